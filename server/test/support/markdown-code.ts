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

/** The page's prose: its lines outside fenced code blocks. */
function proseLines(markdown: string): string[] {
  const prose: string[] = [];
  let inBlock = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inBlock = !inBlock;
    else if (!inBlock) prose.push(line);
  }
  return prose;
}

// A code span opens and closes with backtick runs of one length (`` `literal` `` holds single backticks).
const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]+?)(?<!`)\1(?!`)/g;

/** The inline code spans outside code blocks. */
export function codeSpans(markdown: string): string[] {
  const prose = proseLines(markdown);
  return [...prose.join('\n').matchAll(CODE_SPAN)].map((m) => m[2]);
}

/** The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of the page's links and images outside code (`docs/keys.md#root-key`, `#tls`, `https://…`). */
export function linkTargets(markdown: string): string[] {
  const prose = proseLines(markdown).join('\n').replace(CODE_SPAN, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}
