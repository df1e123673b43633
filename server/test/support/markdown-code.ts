// The code a Markdown page shows, for tests that check or run the documentation's commands: its fenced code blocks
// (each under the heading it follows, lines continued with a backslash joined into one) and its inline code spans.

export interface CodeBlock {
  /** the text of the last heading before the block ('' before any) */
  heading: string;
  /** the fence's info string: `sh`, `ts`, … */
  lang: string;
  /** the block's logical lines: a line ending in `\` joined with the next */
  lines: string[];
  /** the block as written */
  text: string;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let heading = '';
  let open: { lang: string; raw: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```\s*(\S*)/.exec(line);
    if (fence) {
      if (open) {
        const text = open.raw.join('\n');
        blocks.push({ heading, lang: open.lang, lines: text.replace(/\\\n\s*/g, ' ').split('\n'), text });
        open = undefined;
      } else open = { lang: fence[1], raw: [] };
    } else if (open) open.raw.push(line);
    else if (/^#{1,6}\s/.test(line)) heading = line.replace(/^#+\s*/, '').trim();
  }
  return blocks;
}

/** The inline code spans outside code blocks. */
export function codeSpans(markdown: string): string[] {
  const prose: string[] = [];
  let inBlock = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inBlock = !inBlock;
    else if (!inBlock) prose.push(line);
  }
  // A code span opens and closes with backtick runs of one length (`` `literal` `` holds single backticks).
  return [...prose.join('\n').matchAll(/(?<!`)(`+)(?!`)([\s\S]+?)(?<!`)\1(?!`)/g)].map((m) => m[2]);
}
