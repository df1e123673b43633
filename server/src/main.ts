// Process entry of the server: configuration, start, the first-start message, worker processes, clean
// shutdown (SIGTERM, SIGINT) and the TLS certificate's reload (SIGHUP). A server with a data directory or
// PostgreSQL runs as a primary process (bootstrap, the audit chain's writer) and --workers worker processes
// answering requests; --dev is one process (its store lives in that process's memory).
import cluster from 'node:cluster';
import { createApp, openAuditWriter, type App } from './app.ts';
import { loadConfig, type Config, type ConfigFlags } from './config.ts';
import { PROFILE } from './bootstrap.ts';
import { createLog, type Log } from './observability/log.ts';
import { processMetricsRegistry, serveWorkerMetrics } from './observability/metrics-registry.ts';

/** MiB per semi-space of a worker's young generation (V8's default is 16 on 64-bit). */
const WORKER_SEMI_SPACE_MB = 32;

export async function runServer(flags: ConfigFlags): Promise<void> {
  const config = loadConfig(flags);
  const log = createLog({ level: config.logLevel, format: config.logFormat });
  if (!config.dev && cluster.isPrimary) return runPrimary(config, log);
  let reloadTls: (() => void) | undefined;
  // Installed first, so that a SIGHUP while starting does not end the process (a starting server reads the files anyway).
  if (config.tls) process.on('SIGHUP', () => reloadTls && reloadCertificate(log, config, reloadTls));
  const app = await createApp(config, { auditToPrimary: cluster.isWorker, log, metrics: processMetricsRegistry() });
  reloadTls = app.reloadTls;
  const { url } = await app.listen();
  if (cluster.isPrimary) announce(log, config, app, url);
  let stopping = false;
  const stop = (signal: string) => {
    // Ctrl-C signals the whole process group: a worker hears it and then the primary's SIGTERM. A repeated
    // signal does not cut the stop short (it is bounded by the shutdown timeout): the audit trail is flushed.
    if (stopping) return;
    stopping = true;
    if (cluster.isPrimary) log.info(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** SIGHUP in the process that serves the port: the new certificate for new connections, or the old one kept. */
function reloadCertificate(log: Log, config: Config, reload: () => void): void {
  const who = cluster.isWorker ? ` (worker ${process.pid})` : '';
  try {
    reload();
    log.info(`SIGHUP: TLS certificate reloaded from ${config.tls!.certFile}${who}`);
  } catch (err) {
    log.error(`SIGHUP: TLS certificate NOT reloaded, still serving the previous one${who}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The workers share the port; the primary prepares the store (migrations, first-start bootstrap) once and then
 * appends the workers' audit batches. Workers get a larger young generation than V8's default unless the
 * operator set one: a request's garbage then dies young instead of being promoted (about 10% less CPU per
 * GetSecretValue in `npm run bench`).
 */
async function runPrimary(config: Config, log: Log): Promise<void> {
  if (config.tls) {
    // The workers serve the port: each reads the files again (a terminal's hangup signals them all itself).
    process.on('SIGHUP', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
    });
  }
  const app = await createApp(config, { log });
  await app.close();
  const auditWriter = await openAuditWriter(config, log);
  serveWorkerMetrics();
  let stopping = false;
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    // Announce once every worker is accepting connections, so "listening" means it.
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    if (++listening === config.workers) announce(log, config, app, `${config.tls ? 'https' : 'http'}://${host}:${address.port}`, config.workers > 1 ? `${config.workers} workers` : undefined);
  });
  const inherited = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')];
  const semiSpace = inherited.some((arg) => arg.startsWith('--max-semi-space-size')) ? [] : [`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];
  // 'advanced' (V8's serializer) carries the audit batches' JSON records without escaping them again.
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...semiSpace], serialization: 'advanced' });
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (listening < config.workers) {
      // It could not start (the port is taken, the store refused it...): its error is above. Starting it again would loop.
      log.error(`worker ${worker.process.pid} exited (${signal ?? code}) before it was listening; stopping`);
      stop('startup failure', 1);
      return;
    }
    log.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const stop = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    if (exitCode === 0) log.info(`${signal}: shutting down`);
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    // The workers' last audit batches come here as they close: the writer stays open until they have gone.
    const gone = workers.map((w) => new Promise((resolve) => (w.isDead() ? resolve(undefined) : w.once('exit', resolve))));
    for (const worker of workers) worker.process.kill('SIGTERM'); // not worker.kill(): that cuts the IPC channel first
    // The workers bound their own stop by the shutdown timeout; a little more for their last audit batches.
    const deadline = new Promise((resolve) => setTimeout(resolve, config.shutdownTimeoutMs + 5_000).unref());
    void Promise.race([Promise.all(gone), deadline])
      .then(() => auditWriter.close())
      .finally(() => process.exit(exitCode));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * "Coffer listening on <url>" (the line scripts wait for), then on first start how to use the admin credential:
 * one log entry each, whose text reads as it did on a terminal (pretty format) and whose fields a log collector
 * can use (JSON). The access key id is not secret; its secret key is only in the credentials file.
 */
function announce(log: Log, config: Config, app: App, url: string, extra?: string): void {
  const where = config.dev ? 'in memory (dev mode: any credentials accepted)' : config.databaseUrl ? 'PostgreSQL' : config.dataDir;
  log.info({ url, accountId: app.accountId }, `Coffer listening on ${url} — account ${app.accountId}, data ${where}${extra ? `, ${extra}` : ''}`);
  if (!app.adminCredential) return;
  const file = app.adminCredential.credentialsFile;
  log.info(
    { accountId: app.accountId, accessKeyId: app.adminCredential.accessKeyId, credentialsFile: file, profile: PROFILE },
    [
      `First start: created the admin credential for account ${app.accountId} (access key ${app.adminCredential.accessKeyId}).`,
      `It is saved, readable only by you, as profile "${PROFILE}" in ${file}. To use it:`,
      `  export AWS_SHARED_CREDENTIALS_FILE=${file} AWS_PROFILE=${PROFILE} AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1`,
      `  aws --endpoint-url ${url} secretsmanager list-secrets`,
      `SDKs: set the endpoint to ${url}, e.g. new SecretsManagerClient({ endpoint: '${url}' }) or`,
      `  boto3.client('secretsmanager', endpoint_url='${url}'), with the same profile.`,
      ...(config.tls ? ['Clients must trust the certificate\'s issuer: aws --ca-bundle or AWS_CA_BUNDLE (boto3 too), NODE_EXTRA_CA_CERTS for Node.js.'] : []),
    ].join('\n'),
  );
}
