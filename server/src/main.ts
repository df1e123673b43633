// Process entry of the server: configuration, start, the first-start message, worker processes, and
// clean shutdown.
import cluster from 'node:cluster';
import { createApp, openAuditWriter, type App } from './app.ts';
import { loadConfig, type Config, type ConfigFlags } from './config.ts';
import { PROFILE } from './bootstrap.ts';

export async function runServer(flags: ConfigFlags): Promise<void> {
  const config = loadConfig(flags);
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config);
  const app = await createApp(config, { auditToPrimary: cluster.isWorker });
  const { url } = await app.listen();
  if (cluster.isPrimary) announce(config, app, url);
  const stop = (signal: string) => {
    if (cluster.isPrimary) console.log(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** Several workers share the port; the primary prepares the store (migrations, first-start bootstrap) once. */
async function runPrimary(config: Config): Promise<void> {
  const app = await createApp(config);
  await app.close();
  const auditWriter = await openAuditWriter(config);
  let stopping = false;
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    // Announce once every worker is accepting connections, so "listening" means it.
    if (++listening === config.workers) announce(config, app, `http://${config.host}:${address.port}`, `${config.workers} workers`);
  });
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const stop = (signal: string) => {
    stopping = true;
    console.log(`${signal}: shutting down`);
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    // The workers' last audit batches come here as they close: the writer stays open until they have gone.
    const gone = workers.map((w) => new Promise((resolve) => (w.isDead() ? resolve(undefined) : w.once('exit', resolve))));
    for (const worker of workers) worker.process.kill('SIGTERM'); // not worker.kill(): that cuts the IPC channel first
    const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    void Promise.race([Promise.all(gone), deadline])
      .then(() => auditWriter.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function announce(config: Config, app: App, url: string, extra?: string): void {
  const where = config.dev ? 'in memory (dev mode: any credentials accepted)' : config.databaseUrl ? 'PostgreSQL' : config.dataDir;
  console.log(`Coffer listening on ${url} — account ${app.accountId}, data ${where}${extra ? `, ${extra}` : ''}`);
  if (!app.adminCredential) return;
  const file = app.adminCredential.credentialsFile;
  console.log(
    [
      '',
      `First start: created the admin credential for account ${app.accountId} (access key ${app.adminCredential.accessKeyId}).`,
      `It is saved, readable only by you, as profile "${PROFILE}" in ${file}. To use it:`,
      `  export AWS_SHARED_CREDENTIALS_FILE=${file} AWS_PROFILE=${PROFILE} AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1`,
      `  aws --endpoint-url ${url} secretsmanager list-secrets`,
      `SDKs: set the endpoint to ${url}, e.g. new SecretsManagerClient({ endpoint: '${url}' }) or`,
      `  boto3.client('secretsmanager', endpoint_url='${url}'), with the same profile.`,
      '',
    ].join('\n'),
  );
}
