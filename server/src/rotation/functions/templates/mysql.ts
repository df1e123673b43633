// MySQL and MariaDB for the rotation templates, with `mysql2`. Account names and passwords are string
// literals in MySQL's DDL; quote() doubles single quotes and refuses backslashes and NULs outright, since
// what a backslash means depends on the server's sql_mode (NO_BACKSLASH_ESCAPES).
import type mysql from 'mysql2/promise';
import { cloneName, type Dialect, type Login, type SqlConnection } from './dialect.ts';

export function quote(text: string): string {
  if (/[\\\0]/.test(text)) throw new Error('A MySQL user name or password may not contain a backslash or a NUL character');
  return `'${text.replace(/'/g, "''")}'`;
}

export const account = (user: string, host: string): string => `${quote(user)}@${quote(host)}`;

/** MariaDB and MySQL before 5.7.6 hash through PASSWORD(); MySQL 5.7.6+ (8 has no PASSWORD()) takes the text. */
export function passwordExpression(version: string, password: string): string {
  const [major, minor] = version.split('.').map((n) => parseInt(n, 10));
  const hashFunction = /mariadb/i.test(version) || major < 5 || (major === 5 && minor < 7);
  return hashFunction ? `PASSWORD(${quote(password)})` : quote(password);
}

/**
 * SHOW GRANTS of the current user, restated for the clone: the account after the last " TO " is replaced;
 * WITH GRANT OPTION is kept, and MariaDB's "IDENTIFIED BY PASSWORD" tail is dropped (the clone has its own).
 */
export function cloneGrant(grant: string, clone: string): string | undefined {
  const m = /^(GRANT .*) TO (?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s@]+)@(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|\S+)(.*)$/s.exec(grant);
  if (!m) return undefined;
  return `${m[1]} TO ${clone}${/WITH GRANT OPTION/i.test(m[2]) ? ' WITH GRANT OPTION' : ''}`;
}

/** The REQUIRE clause matching the current user's TLS requirements (mysql.user's ssl_* columns). */
export function requireClause(row: Record<string, unknown>): string {
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v ?? ''));
  switch (text(row.ssl_type).toUpperCase()) {
    case 'ANY':
      return 'REQUIRE SSL';
    case 'X509':
      return 'REQUIRE X509';
    case 'SPECIFIED': {
      const parts = [['CIPHER', row.ssl_cipher], ['ISSUER', row.x509_issuer], ['SUBJECT', row.x509_subject]]
        .filter(([, v]) => text(v) !== '')
        .map(([k, v]) => `${k} ${quote(text(v))}`);
      return parts.length ? `REQUIRE ${parts.join(' AND ')}` : 'REQUIRE SSL';
    }
    default:
      return 'REQUIRE NONE';
  }
}

// The driver is loaded when a rotation first connects: most servers never rotate on this database, and
// loading it costs every process start-up time.
async function connect(login: Login): Promise<SqlConnection> {
  const { default: driver } = await import('mysql2/promise');
  const conn = await driver.createConnection({
    host: login.host,
    port: login.port,
    database: login.dbname,
    user: login.username,
    password: login.password,
    connectTimeout: 5000,
    ssl: login.tls === 'require' ? { rejectUnauthorized: true } : undefined,
  });
  conn.on('error', () => {}); // a dropped connection must not crash the server
  return {
    // without values mysql2 sends the text as it is (a '?' inside a quoted password stays a '?')
    query: async (sql, params) => (params ? (await conn.query(sql, [...params] as mysql.QueryValues))[0] : (await conn.query(sql))[0]) as Record<string, unknown>[],
    close: () => conn.end(),
  };
}

async function version(conn: SqlConnection): Promise<string> {
  return String((await conn.query('SELECT VERSION() AS v'))[0].v);
}

/** The host part of the current user's account; '%' (AWS's assumption) when it has several. */
async function hostOf(conn: SqlConnection, user: string): Promise<string> {
  const hosts = (await conn.query('SELECT Host FROM mysql.user WHERE User = ?', [user])).map((r) => String(r.Host));
  if (hosts.length === 0) throw new Error(`The user ${user} does not exist`);
  return hosts.length === 1 ? hosts[0] : '%';
}

function mysqlDialect(label: string, engines: string[], maxUsername: number): Dialect {
  return {
    label,
    engines,
    defaultPort: 3306,
    password: { excludeCharacters: '/@"\'\\', length: 32 },
    alternateUsername: (name) => cloneName(name, maxUsername),
    tlsFirst: true,
    isTlsUnsupported: (err) => (err as { code?: string })?.code === 'HANDSHAKE_NO_SSL_SUPPORT',
    connect,
    probe: async (conn) => {
      await conn.query('SELECT NOW()');
    },
    setOwnPassword: async (conn, _username, password) => {
      // SET PASSWORD without FOR changes the logged-in account's own, which needs no privilege.
      await conn.query(`SET PASSWORD = ${passwordExpression(await version(conn), password)}`);
    },
    setClonePassword: async (conn, current, pending, password) => {
      const host = await hostOf(conn, current);
      const clone = account(pending, host);
      const exists = await conn.query('SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?', [pending, host]);
      if (exists.length === 0) await conn.query(`CREATE USER ${clone} IDENTIFIED BY ${quote(password)}`);
      for (const row of await conn.query(`SHOW GRANTS FOR ${account(current, host)}`)) {
        const sql = cloneGrant(String(Object.values(row)[0]), clone);
        if (sql) await conn.query(sql);
      }
      const tls = await conn.query('SELECT ssl_type, ssl_cipher, x509_issuer, x509_subject FROM mysql.user WHERE User = ? AND Host = ?', [current, host]);
      await conn.query(`ALTER USER ${clone} ${requireClause(tls[0] ?? {})}`);
      await conn.query(`SET PASSWORD FOR ${clone} = ${passwordExpression(await version(conn), password)}`);
    },
  };
}

export const mysqlServer = mysqlDialect('MySQL', ['mysql', 'aurora-mysql'], 32);
export const mariadb = mysqlDialect('MariaDB', ['mariadb'], 80);
