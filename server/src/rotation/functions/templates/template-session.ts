// What every use of a built-in template does with a database secret: read a version (remembering each password
// seen, for scrubbing), and log in with it the way AWS's functions do (TLS first where the dialect says so).
// The four steps (rotation-template.ts) and the drift check and rollback (credential-checks.ts) share it.
import { describeError } from '../../scrub.ts';
import { dbnameOf, parseDbSecret, portOf, tlsAttempts, type DbSecret } from './db-secret.ts';
import type { Dialect, SqlConnection } from './dialect.ts';
import type { SecretsApi } from './secrets-api.ts';

export interface TemplateSession {
  /** every secret value and password read so far: a scrubbed error must not show them */
  readonly seen: Set<string>;
  secret(id: string, stage: string, versionId?: string, master?: boolean): Promise<DbSecret>;
  /** a session for the secret's credentials, or undefined when they do not log in (AWS's get_connection) */
  login(s: DbSecret): Promise<SqlConnection | undefined>;
  loginWorks(s: DbSecret): Promise<boolean>;
  /** why the last login failed (scrubbed), for messages */
  readonly lastLoginError: string | undefined;
}

export function createTemplateSession(api: SecretsApi, dialect: Dialect, info: (msg: string) => void): TemplateSession {
  const seen = new Set<string>();
  let lastLoginError: string | undefined;

  async function secret(id: string, stage: string, versionId?: string, master = false): Promise<DbSecret> {
    const out = await api.getSecretValue({ SecretId: id, VersionStage: stage, ...(versionId ? { VersionId: versionId } : {}) });
    if (out.SecretString) seen.add(out.SecretString);
    const parsed = parseDbSecret(out.SecretString, dialect, master);
    seen.add(parsed.password);
    return parsed;
  }

  async function login(s: DbSecret): Promise<SqlConnection | undefined> {
    const base = { host: s.host, port: portOf(s, dialect), dbname: dbnameOf(s, dialect), username: s.username, password: s.password };
    for (const tls of tlsAttempts(s, dialect)) {
      try {
        return await dialect.connect({ ...base, tls });
      } catch (err) {
        if (tls === 'require' && dialect.isTlsUnsupported(err) && tlsAttempts(s, dialect).length > 1) continue;
        lastLoginError = describeError(err, [...seen]);
        info(`login as ${s.username} failed: ${lastLoginError}`);
        return undefined;
      }
    }
    return undefined;
  }

  async function loginWorks(s: DbSecret): Promise<boolean> {
    const conn = await login(s);
    await conn?.close();
    return conn !== undefined;
  }

  return {
    seen,
    secret,
    login,
    loginWorks,
    get lastLoginError() {
      return lastLoginError;
    },
  };
}
