// The `coffer` commands the documentation shows exist as written: every `coffer …` in README.md, the docs/
// pages it links and cli/README.md names a verb (and sub-verb) of the command and only flags that verb takes,
// so a renamed verb or flag fails here instead of in a reader's shell. README.md and its docs/ pages run the
// command in the repository, where it is `npx coffer` (a bare `coffer` is on the PATH only once the package is
// installed), so a command there with anything after its verb must be written `npx coffer`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../src/main.ts';
import { GLOBAL_VALUE_FLAGS } from '../src/args/global-options.ts';
import { cleanEnv, coffer, REPO } from './support/cli.ts';
import { codeBlocks, codeSpans } from '../../server/test/support/markdown-code.ts';

interface Shown {
  file: string;
  text: string;
  npx: boolean;
  /** the words after `coffer` */
  words: string[];
}

const isPlaceholder = (word: string | undefined): boolean => word === undefined || /^(<|…|\.\.\.)/.test(word);
const wordsOf = (text: string): string[] => text.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];

/** The `coffer` commands of a Markdown file: in code blocks (continued lines joined) and in inline code. */
function commandsIn(file: string): Shown[] {
  const shown: Shown[] = [];
  const markdown = readFileSync(join(REPO, file), 'utf8');
  for (const logical of codeBlocks(markdown).flatMap((b) => b.lines)) {
    const m = /(?:^|[|;&(]\s*)(npx\s+)?coffer\s+(.*)$/.exec(logical.replace(/\s#\s.*$/, '').trim());
    if (m) shown.push({ file, text: m[0].trim(), npx: m[1] !== undefined, words: wordsOf(m[2]) });
  }
  for (const span of codeSpans(markdown)) {
    const m = /^(npx\s+)?coffer\s+([\s\S]*)$/.exec(span.replace(/\s+/g, ' ').trim());
    if (m) shown.push({ file, text: span, npx: m[1] !== undefined, words: wordsOf(m[2]) });
  }
  return shown;
}

/** The docs/ pages README.md links to. */
function linkedDocs(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  return [...new Set([...readme.matchAll(/\]\((docs\/[^)#\s]+\.md)[)#]/g)].map((m) => m[1]))];
}

const longFlags = (cmd: Command): string[] => cmd.options.flatMap((o) => (o.long ? [o.long] : []));

/** Checks one command against the command table; returns what is wrong, or nothing. */
function problemOf(shown: Shown, program: Command, serverFlags: string[], inRepository: boolean): string | undefined {
  const { words } = shown;
  let i = 0;
  while (i < words.length && words[i].startsWith('-')) i += GLOBAL_VALUE_FLAGS.includes(words[i]) ? 2 : 1;
  const verb = words[i];
  if (isPlaceholder(verb)) return undefined; // `coffer <verb>`, `coffer …`: a pattern, not a command
  if (verb === 'help') {
    const topic = words[i + 1];
    if (!isPlaceholder(topic) && !program.commands.some((c) => c.name() === topic)) return `coffer help: no verb ${topic}`;
    return undefined;
  }
  const path = [verb];
  let cmd = program.commands.find((c) => c.name() === verb);
  if (!cmd) return `coffer has no verb ${verb}`;
  if (cmd.commands.length > 0) {
    const sub = words[i + 1];
    if (isPlaceholder(sub)) return undefined;
    if (sub === 'help') {
      const topic = words[i + 2];
      if (!isPlaceholder(topic) && !cmd.commands.some((c) => c.name() === topic)) return `coffer ${verb} help: no verb ${topic}`;
      return undefined;
    }
    const subCmd = cmd.commands.find((c) => c.name() === sub);
    if (!subCmd) return `coffer ${verb} has no verb ${sub}`;
    cmd = subCmd;
    path.push(sub);
  }
  const rest = words.slice(i + path.length);
  const end = rest.indexOf('--');
  const known = new Set([...longFlags(cmd), ...longFlags(program), '--help', ...(verb === 'server' ? serverFlags : [])]);
  for (const word of end >= 0 ? rest.slice(0, end) : rest) {
    const flag = word.split('=')[0];
    if (flag.startsWith('--') && !known.has(flag)) return `coffer ${path.join(' ')} takes no ${flag}`;
  }
  if (inRepository && !shown.npx && (rest.length > 0 || i > 0)) return 'a command to run in the repository is `npx coffer …`';
  return undefined;
}

describe('the coffer commands in the documentation', () => {
  test('the check finds an unknown verb, sub-verb or flag, and a bare coffer in the repository', () => {
    const program = buildProgram();
    const check = (text: string, inRepository = true) => {
      const m = /^(npx )?coffer (.*)$/.exec(text)!;
      return problemOf({ file: 'x.md', text, npx: m[1] !== undefined, words: wordsOf(m[2]) }, program, ['--dev'], inRepository);
    };
    assert.equal(check('npx coffer get-secret-value --secret-id a --version-stage AWSPREVIOUS'), undefined);
    assert.equal(check('npx coffer --endpoint-url http://x admin create-user --user-name app --output json'), undefined);
    assert.equal(check('npx coffer server --dev'), undefined);
    assert.equal(check('npx coffer run --secret-id a -- ./app --anything'), undefined);
    assert.equal(check('coffer get-secret-value --secret-id a', false), undefined);
    assert.equal(check('npx coffer get-secret --secret-id a'), 'coffer has no verb get-secret');
    assert.equal(check('npx coffer admin make-user'), 'coffer admin has no verb make-user');
    assert.equal(check('npx coffer get-secret-value --secret a'), 'coffer get-secret-value takes no --secret');
    assert.equal(check('npx coffer server --tls'), 'coffer server takes no --tls');
    assert.equal(check('npx coffer help get-secret'), 'coffer help: no verb get-secret');
    assert.equal(check('npx coffer admin help create-user'), undefined);
    assert.equal(check('npx coffer admin help make-user'), 'coffer admin help: no verb make-user');
    assert.equal(check('coffer get-secret-value --secret-id a'), 'a command to run in the repository is `npx coffer …`');
  });

  test('every one names a verb and flags the command has; README.md and its docs/ pages write `npx coffer`', async () => {
    const serverHelp = await coffer(['server', '--help'], cleanEnv());
    assert.equal(serverHelp.code, 0, serverHelp.stderr);
    const serverFlags = serverHelp.stdout.match(/--[a-z][a-z-]*/g) ?? [];
    const program = buildProgram();

    const inRepository = ['README.md', ...linkedDocs()];
    assert.ok(inRepository.includes('docs/rotation.md'), 'the README links its docs/ pages');
    const pages = [...inRepository.map((file) => ({ file, inRepository: true })), { file: 'cli/README.md', inRepository: false }];
    const problems: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const shown of commandsIn(page.file)) {
        checked += 1;
        const problem = problemOf(shown, program, serverFlags, page.inRepository);
        if (problem) problems.push(`${shown.file}: \`${shown.text}\`: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 40, `found the commands (${checked})`);
  });
});
