// `coffer run --secret-id NAME [--secret-id ...] [--prefix APP_] -- command args`: runs the command with the
// secrets in its environment (naming rules in env-names.ts), forwards SIGINT/SIGTERM/SIGHUP to it and exits
// with its exit code (128 + the signal number when it was killed by a signal, 127 when it cannot be started).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { CliError, ExitWith } from '../errors.ts';
import { envForSecret } from './env-names.ts';
import { globalsOf, openCaller } from './context.ts';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function addRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a command with secrets injected as environment variables')
    .requiredOption('--secret-id <id>', 'a secret to inject (repeat for more; later ones win)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--prefix <prefix>', 'put this in front of every variable name', '')
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText(
      'after',
      '\nA secret whose value is a JSON object gives one variable per top-level key (PREFIX + key); any other value gives\n' +
        'one variable named after the secret: upper-cased, runs of other characters than A-Z0-9 as "_" (prod/db-password\n' +
        '-> PROD_DB_PASSWORD). The command\'s exit code is passed through; SIGINT, SIGTERM and SIGHUP are forwarded to it.\n' +
        '\nExample:\n  coffer run --secret-id prod/db --secret-id prod/api-key --prefix APP_ -- node server.js\n',
    )
    .action(async (commandLine: string[], opts: { secretId: string[]; prefix: string }, command: Command) => {
      const env = await secretEnvironment(command, opts.secretId, opts.prefix);
      const code = await runChild(commandLine, { ...process.env, ...env });
      throw new ExitWith(code);
    });
}

async function secretEnvironment(command: Command, secretIds: string[], prefix: string): Promise<Record<string, string>> {
  const caller = await openCaller(globalsOf(command));
  try {
    const values = await Promise.all(secretIds.map((id) => caller.call('GetSecretValue', { SecretId: id })));
    const env: Record<string, string> = {};
    values.forEach((out, i) => {
      const name = String(out.Name ?? secretIds[i]);
      const value = out.SecretBinary instanceof Uint8Array ? out.SecretBinary : typeof out.SecretString === 'string' ? out.SecretString : '';
      try {
        Object.assign(env, envForSecret(name, value, prefix));
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    });
    return env;
  } finally {
    caller.destroy();
  }
}

function runChild(commandLine: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...args] = commandLine;
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
    handlers.forEach(([signal, handler]) => process.on(signal, handler));
    const done = (code: number) => {
      handlers.forEach(([signal, handler]) => process.off(signal, handler));
      resolve(code);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      process.stderr.write(`coffer run: cannot run ${file}: ${err.code === 'ENOENT' ? 'command not found' : err.message}\n`);
      done(err.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}
