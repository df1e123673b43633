// Composition root: builds every part with its dependencies and returns the running pieces. Nothing else.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomFillSync, randomInt, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { Config } from './config.ts';
import { createAccessKeyStore } from './auth/access-keys.ts';
import { createAuthenticator, createDevAuthenticator } from './auth/authenticate.ts';
import { loadOrCreateRootKeyFile, parseRootKeys, readRootKeyFile, ROOT_KEY_FILE, rootKeyring, type RootKeyring } from './crypto/root-key.ts';
import { newKey } from './crypto/aead.ts';
import { openStore, type Store, type StoreLocation } from './store/db.ts';
import { createReadCache, type ReadCache } from './store/read-cache.ts';
import { resetUserData } from './store/reset.ts';
import { createHttpServer, type HttpRoutes, type Server } from './http/server.ts';
import { loadTlsOptions, reloadCertificate } from './http/tls.ts';
import { createReadiness, type ReadinessCheck } from './http/readiness.ts';
import { closeGracefully } from './http/graceful-close.ts';
import { checkWritable, pendingMigrations } from './store/readiness-probes.ts';
import { AwsError } from './errors/aws-errors.ts';
import { loadServiceModel } from './protocol/model/index.ts';
import { createPipeline, type Logger } from './protocol/pipeline.ts';
import { createQueryProtocol } from './protocol/query/query-protocol.ts';
import { createStsService } from './services/sts/sts-service.ts';
import { stsHandlers } from './services/sts/api.ts';
import { kmsHandlers } from './services/kms/api.ts';
import { createKeyService, type KeyService } from './services/kms/key-service.ts';
import { createKmsService } from './services/kms/kms-service.ts';
import { replicationAdminHandlers, secretsManagerHandlers } from './services/secretsmanager/api.ts';
import { createPeerClient } from './http/peer-client.ts';
import { createSecretService, type SecretService } from './services/secretsmanager/secret-service.ts';
import type { ReplicationEvent } from './services/secretsmanager/secret-context.ts';
import { createValueCrypto } from './services/secretsmanager/value-crypto.ts';
import { auditHandlers } from './audit/api.ts';
import { changeFeedHandlers } from './changes/api.ts';
import { createChangeFeed } from './changes/change-feed.ts';
import { createAuditTrail, type AuditTrail } from './audit/audit-trail.ts';
import { primaryAppender, serveWorkerAppends } from './audit/cluster-writer.ts';
import { createEventIds } from './audit/event-id.ts';
import { adminHandlers } from './services/admin/api.ts';
import { createAdminService, type AdminService } from './services/admin/admin-service.ts';
import { createAuthorizer } from './access/authorizer.ts';
import { createIdentityDirectory } from './access/identity-directory.ts';
import { checkRootKey, ensureAdminCredential, resolveAccountId, storedRootKeyId, type AdminCredential } from './bootstrap.ts';
import { checkSealed, rotateRootKey, type RewrapCounts, type RootKeyRotationResult } from './root-key-rotation.ts';
import { createRootKeyFollower, type FollowResult } from './root-key-follower.ts';
import { rootKeyHandlers } from './root-key-api.ts';
import { createRotation, type Rotation } from './rotation/index.ts';
import { rotationAdminHandlers, rotationHandlers } from './rotation/api.ts';
import { driftAuditEvent, rotationAuditEvent } from './rotation/audit-events.ts';
import type { EngineOptions } from './rotation/engine.ts';
import { consoleDistDir, lambdaRuntimeDir, repoDir } from './paths.ts';
import { createLog, type Log } from './observability/log.ts';
import { createMetrics } from './observability/metrics.ts';
import { localMetricsRegistry, type MetricsRegistry } from './observability/metrics-registry.ts';
import { createMetricsEndpoint } from './http/metrics-endpoint.ts';
import { createRequestObserver } from './http/request-observer.ts';

const MODELS_DIR = join(repoDir(), 'models');

export interface App {
  server: Server;
  store: Store;
  accountId: string;
  /** set on the start that created the admin credential */
  adminCredential?: AdminCredential;
  secrets: SecretService;
  /** accounts, users, policies and access keys (the CofferAdmin API's service) */
  admin: AdminService;
  /** the audit trail (events are written in batches: flush() before reading the table directly) */
  audit: AuditTrail;
  /** the key service, for the background work tests drive directly (rotateDueKeys, purgeDeletedKeys) */
  keys: KeyService;
  /** the request path's cache (tests check what it holds) */
  cache: ReadCache;
  /** rotation: the function registry, one scheduler pass (tick), settled() for tests */
  rotation: Rotation;
  /**
   * Re-wraps everything the root key seals under a new root key (the one staged first in the key file, else
   * a new one written there first) in one transaction, and moves this server to it without a restart.
   */
  rotateRootKey(): Promise<RootKeyRotationResult>;
  /** One pass of following the store's root key (run by the sweep): see root-key-follower.ts. */
  followRootKey(): Promise<FollowResult>;
  /** Opens everything the root key seals, changing nothing; throws on the first item that does not open (restore). */
  checkSealed(): Promise<RewrapCounts>;
  /** The API pipeline the HTTP layer calls for POST / (in-process benchmarks call it directly). */
  api: HttpRoutes['api'];
  /** With TLS: reads the certificate and key files again for new connections; throws (keeping the old ones) when they are bad. */
  reloadTls?: () => void;
  listen(): Promise<{ host: string; port: number; url: string }>;
  /**
   * Stops: readiness turns 503, no new connections, the requests under way finish and the rotations under way
   * end (both within the shutdown timeout), the scheduler lease is released, the audit trail flushed.
   */
  close(): Promise<void>;
}

export interface AppOptions {
  now?: () => number;
  /** the process's log (default: a new one as the configuration says) */
  log?: Log;
  /** where errors go (default: the log) */
  logger?: Logger;
  /** the registry GET /metrics reads (default: this app's own; main.ts gives a worker's, aggregated by the primary) */
  metrics?: MetricsRegistry;
  /** rotation engine settings (tests shorten the backoff) */
  rotation?: Partial<EngineOptions>;
  /** a --workers worker: audit batches are written by the primary (openAuditWriter) */
  auditToPrimary?: boolean;
}

/** Where a configuration's store is: the data directory's SQLite file, PostgreSQL, or memory (--dev). */
export function storeLocation(config: Config): StoreLocation {
  if (config.dev) return { kind: 'sqlite', path: ':memory:' };
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', path: join(config.dataDir, 'coffer.db') };
}

/**
 * The primary's audit writer under --workers: appends the batches its workers send (serveWorkerAppends)
 * to the chain in the store the workers share. The store must have been prepared (createApp) first.
 */
export async function openAuditWriter(config: Config, log: Log): Promise<{ close(): Promise<void> }> {
  const store = await openStore(storeLocation(config));
  const trail = createAuditTrail({ store, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: errorLogger(log) });
  serveWorkerAppends((batch) => trail.writePacked(batch));
  return { close: () => store.close() };
}

/** The pipeline's (and the domains') error logger, onto the process's log. */
function errorLogger(log: Log): Logger {
  return { error: (msg, fields) => log.error(fields, msg) };
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? Date.now;
  const log = options.log ?? createLog({ level: config.logLevel, format: config.logFormat });
  const logger = options.logger ?? errorLogger(log);
  const info = (msg: string, fields?: Record<string, unknown>) => (fields ? log.info(fields, msg) : log.info(msg));
  const metricsRegistry = options.metrics ?? localMetricsRegistry();
  const metrics = createMetrics(metricsRegistry.registry);

  if (!config.dev) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(storeLocation(config), {
    onQuery: metrics.storeQuery,
    onSync: metrics.storeSync,
    // under --workers the primary checkpoints SQLite's log (its audit writes), off the loops that serve requests
    checkpoint: !options.auditToPrimary,
  });
  try {
    // The keyring: COFFER_ROOT_KEY's keys and the key file's (created on first start when no key is given);
    // the file is read again whenever an item names a root key not held (a rotation by another server).
    const keyFile = join(config.dataDir, ROOT_KEY_FILE);
    const readKeyFile = () => (!config.dev && existsSync(keyFile) ? readRootKeyFile(keyFile) : []);
    const rootKey = rootKeyring(
      config.rootKey
        ? [...parseRootKeys(config.rootKey), ...readKeyFile()]
        : config.dev ? [newKey()] : loadOrCreateRootKeyFile(config.dataDir).keys,
      readKeyFile,
    );
    await checkRootKey(store.db, rootKey);
    const accountId = await resolveAccountId(store.db, config.accountId);
    // The request path's one cache: rows under the store's change token, unwrapped data keys for a short time.
    const cache = createReadCache({ changeToken: store.changeToken });
    const accessKeys = createAccessKeyStore(store, rootKey);
    const adminCredential = config.dev ? undefined : await ensureAdminCredential(accessKeys, accountId, config.dataDir, now());

    // Access control: who each caller is (users' compiled identity policies, cached) and the admin API.
    // The installation's first account is the operator's: its root may also create accounts.
    const directory = createIdentityDirectory(store, cache);
    const authorizer = createAuthorizer({ directory, now });
    const admin = createAdminService({ store, authorizer, accessKeys, operatorAccountId: accountId, now, randomBytes });
    await admin.ensureAccount(accountId);

    const keys = createKeyService({ store, cache, rootKey, now });
    const secretDeps = {
      store,
      cache,
      keys,
      values: createValueCrypto(keys),
      now,
      randomBytes,
      randomUUID,
      randomInt: (max: number) => randomInt(max),
      authorizer,
      // Called only once requests run, after `audit` below exists.
      // A replica written is a change to it: its event is written at once, for the change feed.
      onReplication: (event: ReplicationEvent) => audit.serviceEvent({ service: 'secretsmanager', ...event, changes: event.eventName === 'ReplicationSucceeded' }),
      peers: peerReplication(config, now, logger),
    };
    const secrets = createSecretService(secretDeps);
    // A --workers worker's audit batches go to the primary, the chain's one writer on this host.
    const toPrimary = options.auditToPrimary ? primaryAppender((batch) => audit.write(batch, true)) : undefined;
    const audit = createAuditTrail({
      store,
      now,
      eventId: createEventIds({ now, randomFill: randomFillSync }),
      logger,
      append: toPrimary,
      onWritten: metrics.auditWrite,
    });
    let endpoint: string | undefined;
    const rotation = createRotation({
      store,
      secretService: secrets,
      authorizer,
      now,
      randomBytes,
      randomUUID,
      rootKey,
      logger: { error: logger.error, info },
      holder: randomUUID(),
      allowedCommands: config.rotationCommands,
      allowedCodeDirs: config.rotationCodeDirs,
      python: config.rotationPython,
      lambdaBootstrapDir: lambdaRuntimeDir(),
      endpoint: () => endpoint,
      engine: options.rotation,
      onProgress: (event) => {
        metrics.rotationProgress(event);
        const recorded = rotationAuditEvent(event);
        if (recorded) audit.serviceEvent({ service: 'secretsmanager', ...recorded });
      },
      reads: (q) => audit.secretReads(q),
      onDriftCheck: (event) => {
        metrics.driftCheck(event);
        const recorded = driftAuditEvent(event);
        if (recorded) audit.serviceEvent({ service: 'secretsmanager', ...recorded });
      },
    });

    const rootKeyDeps = { store, keyring: rootKey, keyFile, keys, accessKeys, functions: rotation.functions };
    const follower = createRootKeyFollower({ ...rootKeyDeps, logger: { error: logger.error, info } });
    const rotateRoot = async (): Promise<RootKeyRotationResult> => {
      if (config.dev) throw new AwsError('InvalidInputException', 'A dev-mode server keeps its root key in memory only: there is no root key to rotate.');
      const result = await rotateRootKey(rootKeyDeps);
      follower.rotated();
      return result;
    };

    const authenticator = config.dev ? createDevAuthenticator(accountId) : createAuthenticator(accessKeys, cache, now);
    // STS speaks both protocols with one model and one set of handlers: JSON 1.0 through the pipeline, Query beside it.
    const sts = {
      model: loadServiceModel(join(MODELS_DIR, 'sts-2011-06-15.json')),
      handlers: stsHandlers(createStsService(directory, store)),
      internalError: () => new AwsError('InternalFailure', 'An internal error occurred.', 500, true),
    };
    // Ends the change feed's long polls when the server stops, so they do not hold up the graceful close.
    const closing = new AbortController();
    const pipeline = createPipeline(
      [
        {
          model: loadServiceModel(join(MODELS_DIR, 'secretsmanager-2017-10-17.json')),
          handlers: { ...secretsManagerHandlers(secrets), ...rotationHandlers(rotation, secretsManagerHandlers(secrets)) },
          internalError: () => new AwsError('InternalServiceError', 'An error occurred on the server side.', 500, true),
        },
        {
          model: loadServiceModel(join(MODELS_DIR, 'kms-2014-11-01.json')),
          handlers: kmsHandlers(createKmsService({ store, keys, now, randomBytes }), authorizer),
          internalError: () => new AwsError('KMSInternalException', 'An internal error occurred.', 500, true),
        },
        {
          model: loadServiceModel(join(MODELS_DIR, 'coffer-admin.json')),
          handlers: {
            ...adminHandlers(admin),
            ...auditHandlers(audit, authorizer, accountId),
            ...rootKeyHandlers(rotateRoot, accountId),
            ...rotationAdminHandlers(rotation),
            ...replicationAdminHandlers(secrets),
            ...changeFeedHandlers(createChangeFeed({ trail: audit, secrets }), closing.signal),
          },
          internalError: () => new AwsError('ServiceFailureException', 'An internal error occurred.', 500, true),
        },
        sts,
      ],
      authenticator,
      logger,
      audit.sink,
      createQueryProtocol(sts, authenticator, logger, audit.sink),
    );

    const observer = createRequestObserver({ metrics, log });
    metrics.attach({ inFlight: observer.inFlight, auditQueueDepth: audit.pending, cacheStats: cache.stats, rotationBacklog: rotation.backlog, driftedSecrets: rotation.driftedSecrets });
    const readiness = createReadiness({ checks: readinessChecks(store, rootKey), now: Date.now, logger });
    const server = createHttpServer({
      api: pipeline.handle,
      observer,
      logger,
      metrics: createMetricsEndpoint({ token: config.metricsToken, text: metricsRegistry.text, contentType: metricsRegistry.contentType }),
      consoleDir: consoleDistDir(),
      probes: { ready: readiness.check, dev: config.dev },
      reset: config.dev
        ? () =>
            resetUserData(store.db).then(() => {
              keys.clearCache();
              cache.clear();
              accessKeys.clear();
            })
        : undefined,
    }, config.tls ? loadTlsOptions(config.tls) : undefined);
    const scheme = config.tls ? 'https' : 'http';

    const sweep = setInterval(() => {
      secrets.purgeExpired().catch((err) => logger.error('deletion purge failed', { error: String(err) }));
      keys.purgeDeletedKeys().catch((err) => logger.error('key deletion failed', { error: String(err) }));
      keys.rotateDueKeys().catch((err) => logger.error('key rotation failed', { error: String(err) }));
      cache.sweepDataKeys();
      rotation.tick().catch((err) => logger.error('secret rotation sweep failed', { error: String(err) }));
      secrets.peerPusher?.pushDue().catch((err) => logger.error('replication push failed', { error: String(err) }));
      if (!config.dev) follower.sync().catch((err) => logger.error('following the root key failed', { error: String(err) }));
    }, config.sweepIntervalSeconds * 1000);
    sweep.unref();

    return {
      server,
      store,
      accountId,
      adminCredential,
      secrets,
      admin,
      audit,
      keys,
      cache,
      rotation,
      rotateRootKey: rotateRoot,
      followRootKey: follower.sync,
      checkSealed: () => checkSealed(rootKeyDeps),
      api: pipeline.handle,
      reloadTls: config.tls ? () => reloadCertificate(server as TlsServer, config.tls!) : undefined,
      listen: () =>
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => {
            const { port } = server.address() as AddressInfo;
            endpoint = `${scheme}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
            resolve({ host: config.host, port, url: endpoint });
          });
        }),
      close: async () => {
        readiness.stopping();
        clearInterval(sweep);
        closing.abort();
        // One bound for the whole stop (real time: tests freeze `now`).
        const deadline = Date.now() + config.shutdownTimeoutMs;
        await closeGracefully(server, config.shutdownTimeoutMs);
        await rotation.stop(Math.max(0, deadline - Date.now()));
        await secrets.peerPusher?.stop();
        await audit.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Replication to the regions COFFER_PEERS names: the signed client and the pusher's settings (none without peers). */
function peerReplication(config: Config, now: () => number, logger: Logger) {
  if (config.peers.size === 0) return undefined;
  const client = createPeerClient({ peers: config.peers, ca: config.peerCaFile ? readFileSync(config.peerCaFile, 'utf8') : undefined, now });
  return {
    transport: { regions: new Set(config.peers.keys()), call: client.call },
    pusher: { holder: randomUUID(), leaseMs: 20_000, maxBackoffMs: config.peerRetryMaxMs, logger },
  };
}

/** What GET /_coffer/ready checks: the store takes writes, its schema is this server's, the root key it is sealed with is held. */
function readinessChecks(store: Store, rootKey: RootKeyring): ReadinessCheck[] {
  return [
    { name: 'store', run: async () => void (await checkWritable(store.db)) },
    {
      name: 'migrations',
      run: async () => {
        const pending = await pendingMigrations(store.db);
        return pending.length > 0 ? `not applied: ${pending.join(', ')}` : undefined;
      },
    },
    {
      name: 'root key',
      run: async () => {
        const id = await storedRootKeyId(store.db);
        if (id === undefined || rootKey.has(id)) return undefined;
        rootKey.reload(); // the operator may have copied the key file in since
        return rootKey.has(id) ? undefined : `this server does not hold root key ${id}, which the store is sealed with`;
      },
    },
  ];
}
