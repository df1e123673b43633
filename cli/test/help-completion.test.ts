// --version, `coffer help <verb>` (every verb has an example), and the bash and zsh completion scripts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../src/main.ts';
import { completionScript } from '../src/commands/completion.ts';
import { OPERATIONS } from '../src/model/operations.ts';
import { kebabName } from '../src/model/names.ts';
import { cleanEnv, coffer } from './support/cli.ts';

function helpOf(verb: string): string {
  const program = buildProgram();
  const cmd = program.commands.find((c) => c.name() === verb);
  assert.ok(cmd, `no verb ${verb}`);
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

describe('coffer --version, help and completion', () => {
  test('--version and `help <verb>` through the binary', async () => {
    const [version, help] = await Promise.all([coffer(['--version'], cleanEnv()), coffer(['help', 'create-secret'], cleanEnv())]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^coffer\/0\.1\.0 node\/v\d+\.\d+\.\d+ \w+\/\w+\n$/);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: coffer create-secret \[options\]/);
    assert.match(help.stdout, /--name <value>\s+\(required\) The name of the new secret/);
    assert.match(help.stdout, /--force-overwrite-replica-secret/);
    assert.match(help.stdout, /--no-force-overwrite-replica-secret/);
    assert.match(help.stdout, /--tags <value\.\.\.>/);
    assert.match(help.stdout, /Example:\n {2}coffer create-secret --name prod\/db/);
    assert.match(help.stdout, /--endpoint-url <url>/, 'global options are listed too');
  });

  test('every verb has help with an example; paginated verbs offer --max-items and hide the raw token flags', () => {
    const program = buildProgram();
    const verbs = program.commands.map((c) => c.name());
    for (const op of OPERATIONS) assert.ok(verbs.includes(kebabName(op)), `verb for ${op}`);
    for (const verb of verbs) assert.match(helpOf(verb), /Examples?:\n {2}coffer /, `coffer help ${verb} has an example`);
    const listSecrets = helpOf('list-secrets');
    assert.match(listSecrets, /--max-items <n>/);
    assert.doesNotMatch(listSecrets, /--next-token/);
  });

  test('bash completion completes verbs and each verb\'s flags; zsh script is valid', () => {
    const program = buildProgram();
    const dir = mkdtempSync(join(tmpdir(), 'coffer-completion-'));
    try {
      const bash = join(dir, 'coffer.bash');
      writeFileSync(bash, completionScript(program, 'bash'));
      const complete = (words: string[]) => {
        const script = `source ${bash}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _coffer; printf '%s\\n' "\${COMPREPLY[@]}"`;
        const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim().split('\n');
      };
      assert.deepEqual(complete(['coffer', 'get-sec']), ['get-secret-value']);
      assert.ok(complete(['coffer', '--region', 'us-east-1', 'create-secret', '--na']).includes('--name'), 'a global flag\'s value is not taken for the verb');
      assert.deepEqual(complete(['coffer', 'list-secrets', '--output', 't']), ['text', 'table']);
      assert.deepEqual(complete(['coffer', 'completion', '']), ['bash', 'zsh']);

      const zsh = completionScript(program, 'zsh');
      assert.match(zsh, /^#compdef coffer\n/);
      assert.match(zsh, / {4}get-secret-value\) opts=\(--secret-id --version-id --version-stage --cli-input-json --help\) ;;/);
      const zshPath = join(dir, '_coffer');
      writeFileSync(zshPath, zsh);
      const check = spawnSync('zsh', ['-n', zshPath], { encoding: 'utf8' });
      if (!check.error) assert.equal(check.status, 0, `zsh -n: ${check.stderr}`);
      const bashCheck = spawnSync('bash', ['-n', bash], { encoding: 'utf8' });
      assert.equal(bashCheck.status, 0, bashCheck.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
