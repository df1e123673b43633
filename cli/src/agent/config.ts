// The agent's configuration: the AWS Secrets Manager Agent's TOML file and keys (the same names, defaults and
// ranges, numbers given as numbers or as strings as its files do), plus Coffer's own: max_stale_seconds and
// change_feed. An unknown key, a bad value or an unreadable file is an error at start-up, as with AWS's agent.
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { UsageError } from '../errors.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';

export interface AgentConfig {
  logLevel: LogLevel;
  httpAddress: string;
  httpPort: number;
  /** 0: no caching, every request asks Coffer */
  ttlSeconds: number;
  cacheSize: number;
  ssrfHeaders: string[];
  ssrfEnvVariables: string[];
  pathPrefix: string;
  maxConn: number;
  region?: string;
  /** serve the cached value when a refresh fails for a transient reason (Coffer unreachable) */
  ignoreTransientErrors: boolean;
  validateCredentials: boolean;
  /** Coffer: how long past its TTL a value is still served while Coffer cannot be reached */
  maxStaleSeconds: number;
  /** Coffer: follow the server's change feed (GetSecretChanges) to refresh changed secrets at once */
  changeFeed: boolean;
}

export const DEFAULT_CONFIG: AgentConfig = {
  logLevel: 'info',
  httpAddress: '127.0.0.1',
  httpPort: 2773,
  ttlSeconds: 300,
  cacheSize: 1000,
  ssrfHeaders: ['X-Aws-Parameters-Secrets-Token', 'X-Vault-Token'],
  ssrfEnvVariables: ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'],
  pathPrefix: '/v1/',
  maxConn: 800,
  ignoreTransientErrors: true,
  validateCredentials: true,
  maxStaleSeconds: 3600,
  changeFeed: true,
};

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];

type Reader = (value: unknown, key: string) => unknown;

/** A TOML number or a numeric string (AWS's files write both) as a number; NaN for anything else. */
const numberOf = (value: unknown): number =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : typeof value === 'number' || typeof value === 'bigint' ? Number(value) : NaN;

/** An integer in [min, max]. */
const integer = (min: number, max: number): Reader => (value, key) => {
  const n = numberOf(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${key} must be an integer from ${min} to ${max}`);
  return n;
};
const bool: Reader = (value, key) => {
  if (typeof value !== 'boolean') throw new UsageError(`${key} must be true or false`);
  return value;
};
const text: Reader = (value, key) => {
  if (typeof value !== 'string') throw new UsageError(`${key} must be a string`);
  return value;
};
const nonEmptyList: Reader = (value, key) => {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) throw new UsageError(`${key} must be a non-empty list of strings`);
  return value;
};

/** Each file key: the config member it sets (none: accepted and checked only) and how its value is read and checked. */
const KEYS: Record<string, [keyof AgentConfig | undefined, Reader]> = {
  log_level: ['logLevel', (v, k) => {
    const level = String(text(v, k)).toLowerCase() as LogLevel;
    if (!LOG_LEVELS.includes(level)) throw new UsageError(`${k} must be one of ${LOG_LEVELS.join(', ')}`);
    return level;
  }],
  http_address: ['httpAddress', (v, k) => {
    const address = text(v, k) as string;
    if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(address) || address.split('.').some((p) => Number(p) > 255)) throw new UsageError(`${k} must be an IPv4 address`);
    return address;
  }],
  // AWS's agent refuses the privileged ports; 0 lets the system pick one (tests).
  http_port: ['httpPort', (v, k) => {
    const port = numberOf(v);
    if (!Number.isInteger(port) || port > 65535 || (port >= 1 && port < 1024)) throw new UsageError(`${k} must be 0 or from 1024 to 65535`);
    return port;
  }],
  ttl_seconds: ['ttlSeconds', integer(0, 3600)],
  cache_size: ['cacheSize', integer(1, 1000)],
  ssrf_headers: ['ssrfHeaders', nonEmptyList],
  ssrf_env_variables: ['ssrfEnvVariables', nonEmptyList],
  path_prefix: ['pathPrefix', (v, k) => {
    const prefix = text(v, k) as string;
    if (!prefix.startsWith('/')) throw new UsageError(`${k} must begin with /`);
    return prefix;
  }],
  max_conn: ['maxConn', integer(1, 1000)],
  region: ['region', text],
  ignore_transient_errors: ['ignoreTransientErrors', bool],
  validate_credentials: ['validateCredentials', bool],
  // accepted for AWS's files: Coffer's agent always logs to stderr
  log_to_file: [undefined, bool],
  max_stale_seconds: ['maxStaleSeconds', integer(0, 7 * 24 * 3600)],
  change_feed: ['changeFeed', bool],
};

/** The defaults, overridden by the TOML text's keys. */
export function parseAgentConfig(toml: string, source = 'the configuration file'): AgentConfig {
  let table: Record<string, unknown>;
  try {
    table = parseToml(toml) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${source} is not valid TOML: ${(err as Error).message.split('\n')[0]}`);
  }
  const config: AgentConfig = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(table)) {
    const known = KEYS[key];
    if (!known) throw new UsageError(`${source}: unknown configuration key ${key}`);
    const [member, read] = known;
    const parsed = read(value, key);
    if (member) (config as unknown as Record<string, unknown>)[member] = parsed;
  }
  return config;
}

export function loadAgentConfig(file: string | undefined): AgentConfig {
  if (file === undefined) return { ...DEFAULT_CONFIG };
  let toml: string;
  try {
    toml = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the configuration file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseAgentConfig(toml, file);
}
