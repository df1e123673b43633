// The SecretString of a database secret, as the product spec gives it (engine, host, username, password,
// dbname, port; masterarn for MultiUser; ssl optional), checked the way AWS's rotation functions check it.
import type { Dialect, TlsChoice } from './dialect.ts';

export interface DbSecret {
  engine: string;
  host: string;
  username: string;
  password: string;
  dbname?: string;
  port?: number | string;
  masterarn?: string;
  ssl?: boolean | string;
  [key: string]: unknown;
}

/** Parses and checks a secret value; a master secret needs no dbname (the rotated secret's is used). */
export function parseDbSecret(text: string | undefined, dialect: Dialect, master = false): DbSecret {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    // the text may be a password: never quote it
    throw new Error('The secret value is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('The secret value is not a JSON object');
  const secret = value as Record<string, unknown>;
  const required = ['host', 'username', 'password', 'engine', ...(dialect.requiresDbname && !master ? ['dbname'] : [])];
  for (const field of required) {
    if (typeof secret[field] !== 'string' || secret[field] === '') throw new Error(`${field} key is missing from secret JSON`);
  }
  if (!dialect.engines.includes(secret.engine as string)) {
    throw new Error(`Database engine must be set to '${dialect.engines[0]}' in order to use this rotation function`);
  }
  return secret as DbSecret;
}

/**
 * The dialect among `dialects` whose engine the value names, the value checked as parseDbSecret checks it;
 * otherwise throws why not (never quoting the value, which may be a password).
 */
export function dialectOf(text: string | undefined, dialects: readonly Dialect[]): Dialect {
  let engine: unknown;
  try {
    engine = (JSON.parse(text ?? '') as { engine?: unknown } | null)?.engine;
  } catch {
    throw new Error('The secret value is not valid JSON');
  }
  const dialect = dialects.find((d) => d.engines.includes(engine as string));
  if (!dialect) {
    throw new Error(typeof engine === 'string' ? `its engine is none of ${dialects.flatMap((d) => d.engines).join(', ')}` : 'engine key is missing from secret JSON');
  }
  parseDbSecret(text, dialect);
  return dialect;
}

export function portOf(secret: DbSecret, dialect: Dialect): number {
  if (secret.port === undefined || secret.port === null || secret.port === '') return dialect.defaultPort;
  const port = Number(secret.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('port in the secret JSON is not a TCP port number');
  return port;
}

export function dbnameOf(secret: DbSecret, dialect: Dialect): string | undefined {
  return typeof secret.dbname === 'string' && secret.dbname !== '' ? secret.dbname : dialect.defaultDbname;
}

/**
 * The TLS attempts for a secret, in order. `ssl: true` (or "true") requires TLS with a verified certificate and
 * `ssl: false` (or "false") never uses it, as in AWS's functions. Without the field, a dialect that tries TLS
 * first falls back to plaintext only when the server has no TLS at all; unlike AWS, never after a failed
 * certificate check or login, because that fallback would hand the password to whoever broke the handshake.
 */
export function tlsAttempts(secret: DbSecret, dialect: Dialect): TlsChoice[] {
  const ssl = typeof secret.ssl === 'string' ? secret.ssl.toLowerCase() : secret.ssl;
  if (ssl === true || ssl === 'true') return ['require'];
  if (ssl === false || ssl === 'false') return ['off'];
  return dialect.tlsFirst ? ['require', 'off'] : ['off'];
}
