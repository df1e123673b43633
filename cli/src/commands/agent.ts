// `coffer agent`: a local caching agent with the AWS Secrets Manager Agent's interface (agent/), reading from
// Coffer (or any Secrets Manager endpoint) with the host's credentials and the global flags, and following
// Coffer's change feed to refresh a changed secret at once. Runs until SIGINT or SIGTERM.
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { startChangeWatcher } from '../agent/change-watcher.ts';
import { createAgentServer } from '../agent/agent-server.ts';
import { loadAgentConfig, type AgentConfig, type LogLevel } from '../agent/config.ts';
import { createSecretCache } from '../agent/secret-cache.ts';
import { readSsrfToken } from '../agent/ssrf-token.ts';
import { createClient } from '../client/client.ts';
import { createJsonCaller } from '../client/json-caller.ts';
import { CliError } from '../errors.ts';
import { loadServiceModel } from '../model/service-model.ts';
import { COFFER_ADMIN } from '../model/services.ts';
import { loadSdk } from '../client/sdk.ts';
import { globalsOf } from './context.ts';

/** A GetSecretValue that does not answer in this time counts as Coffer being unreachable. */
const REQUEST_TIMEOUT_MS = 5000;
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];

export function addAgentCommand(program: Command): void {
  program
    .command('agent')
    .description('run a local caching agent compatible with the AWS Secrets Manager Agent (GET /secretsmanager/get?secretId=…), refreshed by Coffer\'s change feed')
    .option('--config <file>', 'a configuration file in the AWS Secrets Manager Agent\'s TOML format')
    .addHelpText('after', '\nExamples:\n  coffer agent --config agent.toml     # the SSRF token in AWS_TOKEN (a value, or file://PATH)\n  curl -H "X-Aws-Parameters-Secrets-Token: $AWS_TOKEN" \'http://127.0.0.1:2773/secretsmanager/get?secretId=prod/db\'\n')
    .action(async (opts: { config?: string }, command: Command) => {
      await runAgent(loadAgentConfig(opts.config), globalsOf(command));
    });
}

function createLogger(level: LogLevel) {
  const threshold = LEVELS.indexOf(level);
  return (at: Exclude<LogLevel, 'none'>, message: string) => {
    if (LEVELS.indexOf(at) >= threshold) process.stderr.write(`${new Date().toISOString()} coffer agent ${at.toUpperCase()}: ${message}\n`);
  };
}

async function runAgent(config: AgentConfig, globals: ReturnType<typeof globalsOf>): Promise<void> {
  const log = createLogger(config.logLevel);
  const token = readSsrfToken(config.ssrfEnvVariables);
  const target = { ...globals, region: globals.region ?? config.region };
  // One attempt per request with a bound on its time: an unreachable Coffer is noticed at once (and the cached
  // value served within the staleness limit) rather than after the SDK's retries.
  const { client, endpoint } = await createClient(target, '--endpoint-url', { maxAttempts: 1 });
  const { GetSecretValueCommand } = loadSdk();
  const cache = createSecretCache({
    ttlMs: config.ttlSeconds * 1000,
    maxStaleMs: config.maxStaleSeconds * 1000,
    size: config.cacheSize,
    ignoreTransientErrors: config.ignoreTransientErrors,
    fetch: (r) =>
      client.send(new GetSecretValueCommand({ SecretId: r.secretId, VersionId: r.versionId, VersionStage: r.versionStage }), { abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    log,
  });
  const admin = await createJsonCaller(loadServiceModel(COFFER_ADMIN.modelFile), COFFER_ADMIN.json!, globals, target);
  if (config.validateCredentials) await checkCredentials(admin.call.bind(admin), config, log);
  const watcher = config.changeFeed && config.ttlSeconds > 0 ? startChangeWatcher({ caller: admin, onChange: (arn) => cache.changed(arn), log }) : undefined;
  await watcher?.ready;

  const server = createAgentServer({
    address: config.httpAddress,
    port: config.httpPort,
    token,
    ssrfHeaders: config.ssrfHeaders,
    pathPrefix: config.pathPrefix,
    maxConn: config.maxConn,
    get: (request, refreshNow) => cache.get(request, refreshNow),
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new CliError(`coffer agent: cannot listen on ${config.httpAddress}:${config.httpPort}: ${err.code ?? err.message}`)));
    server.listen(config.httpPort, config.httpAddress, resolve);
  });
  const { port } = server.address() as AddressInfo;
  // The one line a supervisor (or a test) waits for; it names the endpoint read, never a value.
  process.stderr.write(`coffer agent: listening on http://${config.httpAddress}:${port} (Coffer at ${endpoint}, TTL ${config.ttlSeconds} s, change feed ${watcher ? 'on' : 'off'})\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  server.close();
  server.closeAllConnections();
  await watcher?.stop();
  client.destroy();
  admin.destroy();
}

/**
 * AWS's agent checks its credentials at start (STS GetCallerIdentity); here a signed GetSecretChanges does it.
 * A refusal stops the agent; Coffer being down does not when transient errors are ignored.
 */
async function checkCredentials(call: (op: string, params: Record<string, unknown>) => Promise<unknown>, config: AgentConfig, log: ReturnType<typeof createLogger>): Promise<void> {
  try {
    await call('GetSecretChanges', {});
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code && /UnrecognizedClient|InvalidSignature|IncompleteSignature|InvalidClientTokenId|AccessDenied|ExpiredToken/.test(code)) {
      throw new CliError(`coffer agent: the credentials were refused: ${(err as Error).message}`);
    }
    if (code === undefined && !config.ignoreTransientErrors) throw err;
    log('warn', `could not check the credentials now (${(err as Error).message.split('\n')[0]})`);
  }
}
