// `coffer server`: runs the Coffer server, delegating to runServer from @coffer/server. It keeps its own
// program, exactly as before the client verbs existed, and is loaded only for that verb so client verbs do
// not pay for importing the server.
import { Command, Option } from 'commander';

export async function serverMain(argv: string[]): Promise<void> {
  const { CONFIG_ENV, runServer } = await import('@coffer/server');
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
  option('--log-level <level>', 'logLevel');
  option('--log-format <format>', 'logFormat');
  option('--metrics-token <token>', 'metricsToken');
  option('--tls-cert <file>', 'tlsCert');
  option('--tls-key <file>', 'tlsKey');
  option('--insecure-http', 'insecureHttp');
  option('--peers <list>', 'peers');
  option('--peer-ca <file>', 'peerCa');
  // COFFER_PEER_CREDENTIALS has no flag: a secret key on the command line shows in every process listing.
  server.action(async (opts: Parameters<typeof runServer>[0]) => {
    try {
      await runServer(opts);
    } catch (err) {
      console.error(`coffer server: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  });
  await program.parseAsync(argv, { from: 'user' });
}

/** The verb as `coffer help` lists it; the real command is built by serverMain when the verb is used. */
export function addServerStub(program: Command): void {
  program
    .command('server')
    .description('run the Coffer server (`coffer server --help` lists its options)')
    .addHelpText('after', '\nExample:\n  coffer server --data-dir ./.coffer --port 4580\n');
}
