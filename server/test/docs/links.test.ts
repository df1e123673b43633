// The documentation's relative links lead somewhere: every `](path)` and `](path#anchor)` of README.md, docs/*.md
// and cli/README.md names a file of the repository and, for a Markdown page, a heading it has (GitHub's anchors).
// The README was split into docs/ pages; a renamed heading or page fails here instead of in a reader's browser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headingAnchors, linkTargets } from '../support/markdown-code.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PAGES = ['README.md', 'cli/README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** What is wrong with the relative links of `markdown`, a page at `file` (repository-relative); `read` reads a page. */
function brokenLinks(file: string, markdown: string, read: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^[a-z]+:/i.test(target)) continue; // https:, mailto: … are not ours to check
    const [path, anchor] = target.split('#');
    const to = path === '' ? file : relative(REPO, join(REPO, dirname(file), path));
    const page = read(to);
    if (page === undefined) problems.push(`${file}: ${target}: no file ${to}`);
    else if (anchor !== undefined && to.endsWith('.md') && !headingAnchors(page).has(anchor)) problems.push(`${file}: ${target}: no heading #${anchor} in ${to}`);
  }
  return problems;
}

/** A page of the repository; a folder reads as an empty page (it exists, it has no headings). */
function readRepo(path: string): string | undefined {
  const full = join(REPO, path);
  if (!existsSync(full)) return undefined;
  return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
}

describe('the links of the documentation', () => {
  test('anchors are GitHub\'s, and the check finds a missing page or heading', () => {
    const page = '# Top\n## Common tasks, with `coffer` or with `aws`\n```sh\n# not a heading\n```\n## Top\n';
    assert.deepEqual([...headingAnchors(page)], ['top', 'common-tasks-with-coffer-or-with-aws', 'top-1']);
    const pages: Record<string, string> = { 'docs/a.md': page, 'README.md': '' };
    const read = (path: string) => pages[path];
    const links = '[ok](#top-1) [up](../README.md) `[code](nowhere.md)` [web](https://example.com/x#y)\n'
      + '[gone](b.md) [no heading](#not-here) [in a block](a.md#not-a-heading)';
    assert.deepEqual(brokenLinks('docs/a.md', `${page}${links}`, read), [
      'docs/a.md: b.md: no file docs/b.md',
      'docs/a.md: #not-here: no heading #not-here in docs/a.md',
      'docs/a.md: a.md#not-a-heading: no heading #not-a-heading in docs/a.md',
    ]);
  });

  test('every relative link of README.md, docs/ and cli/README.md resolves', () => {
    assert.ok(PAGES.includes('docs/keys.md'), `the docs pages: ${PAGES.join(', ')}`);
    const problems = PAGES.flatMap((file) => brokenLinks(file, readRepo(file)!, readRepo));
    assert.deepEqual(problems, []);
    const checked = PAGES.flatMap((file) => linkTargets(readRepo(file)!)).filter((t) => !/^[a-z]+:/i.test(t));
    assert.ok(checked.length > 50, `found the links (${checked.length})`);
  });
});
