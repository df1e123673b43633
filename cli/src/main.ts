// The `coffer` command. This issue ships the `server` command; the secretsmanager verbs follow.
import { Command, Option } from 'commander';
import { CONFIG_ENV, runServer } from '@coffer/server';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('coffer').description('Coffer: a self-hosted secrets manager that speaks the AWS Secrets Manager API');
  const server = program.command('server').description('run the Coffer server');
  const option = (flags: string, key: keyof typeof CONFIG_ENV) => {
    const spec = CONFIG_ENV[key];
    const o = new Option(flags, `${spec.help} (env ${spec.env}${spec.default !== undefined ? `, default ${spec.default}` : ''})`);
    server.addOption(o);
  };
  option('--port <port>', 'port');
  option('--host <host>', 'host');
  option('--data-dir <dir>', 'dataDir');
  option('--database-url <url>', 'databaseUrl');
  option('--dev', 'dev');
  option('--account-id <id>', 'accountId');
  option('--workers <n>', 'workers');
  server.action(async (opts: { port?: string; host?: string; dataDir?: string; databaseUrl?: string; dev?: boolean; accountId?: string; workers?: string }) => {
    try {
      await runServer(opts);
    } catch (err) {
      console.error(`coffer server: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  });
  await program.parseAsync(argv, { from: 'user' });
}
