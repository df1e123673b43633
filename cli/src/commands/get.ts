// `coffer get NAME [KEY]`: the secret's value without JSON wrapping, for scripts: the string as stored (or one
// top-level key of its JSON), binary values as raw bytes. A newline is added only when stdout is a terminal.
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { globalsOf, openCaller, writeStdout } from './context.ts';

export function addGetCommand(program: Command): void {
  program
    .command('get')
    .description('print a secret\'s current value (or one key of its JSON) without JSON wrapping')
    .argument('<secret-id>', 'the secret\'s name or ARN')
    .argument('[key]', 'a top-level key of the secret\'s JSON value')
    .option('--version-id <id>', 'a version other than AWSCURRENT')
    .option('--version-stage <stage>', 'the version with this staging label (default AWSCURRENT)')
    .addHelpText('after', '\nExamples:\n  coffer get prod/db password\n  psql "postgres://app:$(coffer get prod/db password)@db/app"\n  coffer get prod/tls-key > key.der    # binary values are written raw\n')
    .action(async (secretId: string, key: string | undefined, opts: { versionId?: string; versionStage?: string }, command: Command) => {
      const caller = await openCaller(globalsOf(command));
      try {
        const params = { SecretId: secretId, ...(opts.versionId ? { VersionId: opts.versionId } : {}), ...(opts.versionStage ? { VersionStage: opts.versionStage } : {}) };
        const out = await caller.call('GetSecretValue', params);
        const name = String(out.Name ?? secretId);
        if (out.SecretBinary instanceof Uint8Array) {
          if (key !== undefined) throw new CliError(`The secret ${name} has a binary value, which has no keys.`);
          await writeStdout(out.SecretBinary);
          return;
        }
        const text = typeof out.SecretString === 'string' ? out.SecretString : '';
        const value = key === undefined ? text : pickKey(text, key, name);
        await writeStdout(process.stdout.isTTY ? `${value}\n` : value);
      } finally {
        caller.destroy();
      }
    });
}

function pickKey(text: string, key: string, name: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError(`The value of ${name} is not a JSON object, so it has no key "${key}".`);
  }
  if (!Object.hasOwn(parsed, key)) throw new CliError(`The value of ${name} has no key "${key}".`);
  const value = (parsed as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}
