// The server's configuration: command-line flags win over environment variables, which win over defaults.
// This is the only module that reads process.env.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** where the SQLite file, the root key file and the admin credentials live */
  dataDir: string;
  /** postgres://... to use PostgreSQL instead of the embedded SQLite store */
  databaseUrl?: string;
  /** in-memory store, any credentials accepted, POST /_coffer/reset enabled */
  dev: boolean;
  /** the account of the admin credential (and of every request in dev mode) */
  accountId?: string;
  /** base64 of 32 bytes (several comma-separated, newest first); when absent the key file in dataDir is used (created on first start) */
  rootKey?: string;
  /** seconds between background sweeps (deletion purge) */
  sweepIntervalSeconds: number;
  /** HTTP worker processes sharing the port (not in dev mode, whose store is in one process's memory) */
  workers: number;
  /** absolute paths of the executables that command rotation functions may run (COFFER_ROTATION_COMMANDS, colon-separated) */
  rotationCommands: string[];
  /** directories under which Lambda-style rotation functions' code may be (COFFER_ROTATION_CODE_DIRS, colon-separated) */
  rotationCodeDirs: string[];
  /** the Python 3 that runs Lambda-style python3 handlers (COFFER_ROTATION_PYTHON; `python3` on the PATH by default) */
  rotationPython: string;
  /** the lowest level logged (pino's levels; `silent` logs nothing) */
  logLevel: LogLevel;
  /** `pretty` (for a terminal, the default when stdout is one) or `json` (one object a line, the default otherwise) */
  logFormat: LogFormat;
  /** when set, GET /metrics needs `Authorization: Bearer <token>` from any address; when not, it answers loopback clients only */
  metricsToken?: string;
  /** PEM files of the TLS certificate (its chain may follow it) and private key: the server speaks HTTPS when set */
  tls?: { certFile: string; keyFile: string };
  /** plain HTTP on a non-loopback address, said explicitly */
  insecureHttp: boolean;
  /** how long a stopping server waits for in-flight requests and rotations before it cuts them */
  shutdownTimeoutMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

export type ConfigFlags = Partial<Omit<Config, 'port' | 'workers' | 'logLevel' | 'logFormat' | 'tls' | 'shutdownTimeoutMs'>> & {
  port?: number | string;
  workers?: number | string;
  logLevel?: string;
  logFormat?: string;
  tlsCert?: string;
  tlsKey?: string;
};

/** Shorter tokens are refused: the metrics endpoint may be reachable from the network. */
const MIN_METRICS_TOKEN_LENGTH = 16;

/** Each option, its environment variable and default: the CLI's --help is built from this list. */
export const CONFIG_ENV = {
  port: { env: 'COFFER_PORT', default: '4580', help: 'TCP port to listen on' },
  host: { env: 'COFFER_HOST', default: '127.0.0.1', help: 'interface to listen on' },
  dataDir: { env: 'COFFER_DATA_DIR', default: '.coffer', help: 'data directory (SQLite file, root key, admin credentials)' },
  databaseUrl: { env: 'COFFER_DATABASE_URL', default: undefined, help: 'postgres://... to store data in PostgreSQL' },
  dev: { env: 'COFFER_DEV', default: 'false', help: 'in-memory server that accepts any credentials' },
  accountId: { env: 'COFFER_ACCOUNT_ID', default: undefined, help: 'account id (12 digits); dev default 000000000000' },
  rootKey: { env: 'COFFER_ROOT_KEY', default: undefined, help: 'root key, base64 of 32 bytes, several comma-separated newest first (the key file is read too)' },
  // A production server does not share its cores with a load generator: one worker per core.
  workers: { env: 'COFFER_WORKERS', default: String(availableParallelism()), help: 'worker processes serving the port, by default one per core (not with --dev)' },
  logLevel: { env: 'COFFER_LOG_LEVEL', default: 'info', help: `lowest level logged: ${LOG_LEVELS.join(', ')}` },
  logFormat: { env: 'COFFER_LOG_FORMAT', default: undefined, help: 'json or pretty; default pretty on a terminal, json otherwise' },
  metricsToken: {
    env: 'COFFER_METRICS_TOKEN',
    default: undefined,
    help: `bearer token GET /metrics requires (at least ${MIN_METRICS_TOKEN_LENGTH} characters); without one, /metrics answers loopback clients only`,
  },
  tlsCert: { env: 'COFFER_TLS_CERT', default: undefined, help: 'PEM file of the TLS certificate, its chain may follow (serve HTTPS; reloaded on SIGHUP)' },
  tlsKey: { env: 'COFFER_TLS_KEY', default: undefined, help: 'PEM file of the TLS private key' },
  insecureHttp: { env: 'COFFER_INSECURE_HTTP', default: 'false', help: 'allow plain HTTP on a non-loopback address' },
} as const;

export const DEV_ACCOUNT_ID = '000000000000';

/** `stdoutIsTty` chooses the default log format (pretty for a person at a terminal, JSON for a log collector). */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, stdoutIsTty = process.stdout.isTTY === true): Config {
  const pick = (name: keyof typeof CONFIG_ENV): string | undefined => {
    const flag = flags[name as keyof ConfigFlags];
    if (flag !== undefined && flag !== null) return String(flag);
    return env[CONFIG_ENV[name].env] ?? CONFIG_ENV[name].default;
  };
  const bool = (name: 'dev' | 'insecureHttp') => ['true', '1', 'yes'].includes(pick(name)!.toLowerCase());
  const port = Number(pick('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${pick('port')}`);
  const dev = bool('dev');
  const workers = Number(pick('workers'));
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error(`invalid worker count: ${pick('workers')}`);
  const accountId = pick('accountId');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new Error(`invalid account id ${accountId}: it must be 12 digits`);
  const databaseUrl = pick('databaseUrl');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('the database URL must start with postgres:// (SQLite is the default and needs no URL)');
  }
  const logLevel = pick('logLevel')!.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new Error(`invalid log level ${logLevel}: use one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = (pick('logFormat') ?? (stdoutIsTty ? 'pretty' : 'json')).toLowerCase();
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new Error(`invalid log format ${logFormat}: use json or pretty`);
  const metricsToken = pick('metricsToken');
  if (metricsToken !== undefined && metricsToken.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new Error(`the metrics token must have at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }
  const host = pick('host')!;
  const tls = tlsFiles(pick('tlsCert'), pick('tlsKey'));
  const insecureHttp = bool('insecureHttp');
  if (!tls && !insecureHttp && !isLoopback(host)) {
    throw new Error(
      `refusing to serve plain HTTP on ${host}, a non-loopback address: secrets would cross the network in clear. ` +
        'Give a certificate (--tls-cert and --tls-key), listen on 127.0.0.1, or say --insecure-http (e.g. behind a TLS proxy on the same host)',
    );
  }
  const shutdownSeconds = Number(env.COFFER_SHUTDOWN_TIMEOUT_SECONDS ?? 10);
  if (!(shutdownSeconds >= 0 && shutdownSeconds <= 3600)) throw new Error(`invalid COFFER_SHUTDOWN_TIMEOUT_SECONDS: ${env.COFFER_SHUTDOWN_TIMEOUT_SECONDS}`);
  return {
    port,
    host,
    dataDir: resolve(pick('dataDir')!),
    databaseUrl,
    dev,
    accountId: accountId ?? (dev ? DEV_ACCOUNT_ID : undefined),
    rootKey: pick('rootKey'),
    sweepIntervalSeconds: Number(env.COFFER_SWEEP_INTERVAL_SECONDS ?? 60),
    workers: dev ? 1 : workers,
    rotationCommands: (env.COFFER_ROTATION_COMMANDS ?? '').split(':').filter((p) => p !== '').map((p) => resolve(p)),
    rotationCodeDirs: (env.COFFER_ROTATION_CODE_DIRS ?? '').split(':').filter((p) => p !== '').map((p) => resolve(p)),
    rotationPython: env.COFFER_ROTATION_PYTHON || 'python3',
    logLevel: logLevel as LogLevel,
    logFormat,
    metricsToken,
    tls,
    insecureHttp,
    shutdownTimeoutMs: shutdownSeconds * 1000,
  };
}

function tlsFiles(cert: string | undefined, key: string | undefined): Config['tls'] {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new Error('TLS needs both --tls-cert and --tls-key (COFFER_TLS_CERT, COFFER_TLS_KEY)');
  return { certFile: resolve(cert), keyFile: resolve(key) };
}

/** Loopback only by its literal forms: any other name may resolve to an address others can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}
