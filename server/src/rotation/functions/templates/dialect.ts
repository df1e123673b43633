// What the shared rotation skeleton needs from one database: how to log in, and the two password changes
// (a user's own, and a clone's through the master user). Each dialect module is small; the four steps,
// the secret checks and the error scrubbing live once, in rotation-template.ts.

/** One open session; SQL uses the driver's own placeholder style ($1, ?, :1, @p1). */
export interface SqlConnection {
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** require: TLS with a verified certificate; off: plaintext. */
export type TlsChoice = 'require' | 'off';

export interface Login {
  host: string;
  port: number;
  dbname?: string;
  username: string;
  password: string;
  tls: TlsChoice;
}

export interface Dialect {
  /** for messages: PostgreSQL, MySQL, ... */
  label: string;
  /** the values the secret's `engine` may have */
  engines: readonly string[];
  defaultPort: number;
  defaultDbname?: string;
  /** Oracle names a service, so the secret must carry dbname */
  requiresDbname?: boolean;
  /** GetRandomPassword's ExcludeCharacters and PasswordLength for this database */
  password: { excludeCharacters: string; length: number };
  /** the other user of a MultiUser pair: `<name>_clone`, or back */
  alternateUsername(username: string): string;
  /**
   * Whether a secret without an `ssl` field tries TLS first (falling back to plaintext only when the server
   * offers no TLS at all), as AWS's PostgreSQL and MySQL functions do.
   */
  tlsFirst: boolean;
  /** the driver's error for "this server does not speak TLS" (the one case the fallback applies to) */
  isTlsUnsupported(err: unknown): boolean;
  connect(login: Login): Promise<SqlConnection>;
  /** testSecret's query: proves the session works */
  probe(conn: SqlConnection): Promise<void>;
  /** SingleUser: the logged-in user changes its own password (oldPassword: the one it logged in with) */
  setOwnPassword(conn: SqlConnection, username: string, newPassword: string, oldPassword: string): Promise<void>;
  /** MultiUser, as the master user: create `pending` with `current`'s grants if missing, set its password */
  setClonePassword(conn: SqlConnection, current: string, pending: string, password: string): Promise<void>;
}

/** `<name>_clone` and back, refusing names the database could not hold. */
export function cloneName(username: string, maxLength: number, suffix = '_clone'): string {
  if (username.endsWith(suffix)) return username.slice(0, -suffix.length);
  const name = username + suffix;
  if (name.length > maxLength) throw new Error(`Unable to clone user, username length with ${suffix} appended would exceed ${maxLength} characters`);
  return name;
}
