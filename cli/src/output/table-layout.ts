// The drawing half of --output table, a port of awscli/table.py's MultiTable: sections with a centred title,
// header and rows, nested sections indented with '|', columns scaled to the widest section, and sections of
// one row turned vertical when the table is wider than the terminal.

export interface Styler {
  row(text: string): string;
  indent(text: string): string;
}

export const PLAIN: Styler = { row: (t) => t, indent: (t) => t };
export const COLOR: Styler = {
  row: (t) => `\x1b[1m\x1b[34m${t}\x1b[0m`,
  indent: (t) => `\x1b[2m\x1b[33m${t}\x1b[0m`,
};

export class Section {
  title = '';
  headers: string[] = [];
  rows: string[][] = [];
  indentLevel = 0;
  private numCols: number | undefined;
  private maxWidths: number[] = [];

  addHeader(headers: string[]): void {
    this.updateMaxWidths(headers);
    this.numCols ??= headers.length;
    this.headers = headers;
  }

  addRow(row: string[]): void {
    this.numCols ??= row.length;
    if (row.length !== this.numCols) throw new Error(`Row should have ${this.numCols} elements, instead it has ${row.length}`);
    this.rows.push(row);
    this.updateMaxWidths(row);
  }

  columnWidths(padding = 0, maxWidth?: number): number[] {
    const unscaled = this.maxWidths.map((w) => w + padding);
    if (maxWidth === undefined || unscaled.length === 0) return unscaled;
    const scale = maxWidth / unscaled.reduce((a, b) => a + b, 0);
    const scaled = unscaled.map((w) => roundHalfEven(scale * w));
    let offBy = scaled.reduce((a, b) => a + b, 0) - maxWidth;
    while (offBy !== 0) {
      const order = [...scaled.keys()];
      if (offBy < 0) order.reverse();
      for (const i of order) {
        if (offBy > 0) {
          scaled[i] -= 1;
          offBy -= 1;
        } else {
          scaled[i] += 1;
          offBy += 1;
        }
        if (offBy === 0) break;
      }
    }
    return scaled;
  }

  totalWidth(padding: number, outerPadding: number): number {
    const total = this.columnWidths().reduce((sum, w) => sum + w + padding, 0) + 2 + outerPadding * 2;
    return Math.max(textLength(this.title) + 2 + outerPadding * 2, total);
  }

  private updateMaxWidths(row: string[]): void {
    if (this.maxWidths.length === 0) this.maxWidths = row.map(textLength);
    else row.forEach((el, i) => (this.maxWidths[i] = Math.max(textLength(el), this.maxWidths[i] ?? 0)));
  }
}

export class MultiTable {
  private sections: Section[] = [];
  private current: Section | undefined;

  constructor(private readonly terminalWidth: number, private readonly styler: Styler) {}

  newSection(title: string, indentLevel = 0): void {
    this.current = new Section();
    this.current.title = title;
    this.current.indentLevel = indentLevel;
    this.sections.push(this.current);
  }

  addRowHeader(headers: string[]): void {
    this.section().addHeader(headers);
  }

  addRow(row: string[]): void {
    this.section().addRow(row);
  }

  private section(): Section {
    if (!this.current) this.newSection('');
    return this.current as Section;
  }

  render(): string {
    let maxWidth = this.maxWidth();
    if (maxWidth > this.terminalWidth) {
      this.sections = this.sections.map(verticalIfSingleRow);
      maxWidth = this.maxWidth();
    }
    const out: string[] = [`${'-'.repeat(maxWidth)}\n`];
    for (const section of this.sections) this.renderSection(section, maxWidth, out);
    return out.join('');
  }

  private maxWidth(): number {
    return Math.max(...this.sections.map((s) => s.totalWidth(4, s.indentLevel)));
  }

  private renderSection(section: Section, maxWidth: number, out: string[]): void {
    const edge = this.styler.indent('|').repeat(section.indentLevel);
    const write = (line: string) => out.push(`${edge}${line}${edge}\n`);
    const width = maxWidth - section.indentLevel * 2;
    if (section.title) {
      write(centerText(section.title, width, '|', '|'));
      if (!section.headers.length && !section.rows.length) write(`+${'-'.repeat(width - 2)}+`);
    }
    if (section.headers.length) {
      const widths = section.columnWidths(4, width);
      write(lineBreak(widths));
      write(section.headers.map((h, i) => centerText(h, widths[i], i === 0 ? '|' : '', '|')).join(''));
    }
    if (section.rows.length) {
      const widths = section.columnWidths(4, width);
      if (!widths.length) return;
      write(lineBreak(widths));
      for (const row of section.rows) {
        write(row.map((el, i) => alignLeft(this.styler.row(el), widths[i], i === 0 ? '|' : '', '|', textLength(el))).join(''));
      }
      write(lineBreak(widths));
    }
  }
}

function verticalIfSingleRow(section: Section): Section {
  if (section.rows.length !== 1 || !section.headers.length) return section;
  const vertical = new Section();
  vertical.title = section.title;
  vertical.indentLevel = section.indentLevel;
  section.headers.forEach((h, i) => vertical.addRow([h, section.rows[0][i]]));
  return vertical;
}

function lineBreak(widths: number[]): string {
  return widths.map((w, i) => (i === 0 ? `+${'-'.repeat(w - 2)}+` : `${'-'.repeat(w - 1)}+`)).join('');
}

function centerText(text: string, length: number, leftEdge: string, rightEdge: string): string {
  const textLen = textLength(text);
  const start = Math.floor(length / 2) - Math.floor(textLen / 2) - 1;
  const head = leftEdge + ' '.repeat(Math.max(0, start)) + text;
  const soFar = textLength(leftEdge) + start + textLen;
  return head + ' '.repeat(Math.max(0, length - textLength(rightEdge) - soFar)) + rightEdge;
}

function alignLeft(text: string, length: number, leftEdge: string, rightEdge: string, textLen: number): string {
  const padding = length - (textLen + 2 + leftEdge.length + rightEdge.length) >= 0 ? 2 : 0;
  const soFar = leftEdge.length + padding + textLen;
  return leftEdge + ' '.repeat(padding) + text + ' '.repeat(Math.max(0, length - soFar - rightEdge.length)) + rightEdge;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Display width: East Asian wide and fullwidth characters count as two columns. */
export function textLength(text: string): number {
  let n = 0;
  for (const ch of text) n += isWide(ch.codePointAt(0) as number) ? 2 : 1;
  return n;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
