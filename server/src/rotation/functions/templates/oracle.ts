// Oracle for the rotation templates, with `oracledb` in thin mode (no Instant Client). Not run against a
// live server here: its SQL and flow are unit-tested with a fake connection (see oracle.test.ts).
// Names are quoted as sys.DBMS_ASSERT.ENQUOTE_NAME quotes them by default (upper case, in double quotes);
// Oracle allows no double quote inside a quoted name or password, so those are refused, never stripped.
import type oracledb from 'oracledb';
import { cloneName, type Dialect, type Login, type SqlConnection } from './dialect.ts';

export function quoteIdent(name: string): string {
  if (/["\0]/.test(name)) throw new Error('An Oracle user name may not contain a double quote or a NUL character');
  return `"${name.toUpperCase()}"`;
}

export function quotePassword(password: string): string {
  if (/["\0]/.test(password)) throw new Error('An Oracle password may not contain a double quote or a NUL character');
  return `"${password}"`;
}

/** REPLACE names the old password, which Oracle wants from a user without ALTER USER under a verify function. */
export function alterOwnPasswordSql(username: string, password: string, oldPassword: string): string {
  return `ALTER USER ${quoteIdent(username)} IDENTIFIED BY ${quotePassword(password)} REPLACE ${quotePassword(oldPassword)}`;
}

export const GRANT_TYPES = ['ROLE_GRANT', 'SYSTEM_GRANT', 'OBJECT_GRANT'] as const;

/** DBMS_METADATA.GET_GRANTED_DDL's statements for the current user, restated for the clone. */
export function cloneGrants(ddl: string, current: string, pending: string): string[] {
  const from = ` TO ${quoteIdent(current)}`;
  const to = ` TO ${quoteIdent(pending)}`;
  return ddl
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^GRANT /i.test(line))
    .map((line) => line.split(from).join(to));
}

export function connectString(login: Login): string {
  if (!login.dbname) throw new Error('dbname key is missing from secret JSON');
  // tcps:// is Easy Connect Plus for TLS; thin mode verifies the server certificate and its host name
  return `${login.tls === 'require' ? 'tcps://' : ''}${login.host}:${login.port}/${login.dbname}`;
}

// The driver is loaded when a rotation first connects: most servers never rotate on this database, and
// loading it costs every process start-up time.
async function connect(login: Login): Promise<SqlConnection> {
  const { default: driver } = await import('oracledb');
  const conn = await driver.getConnection({ user: login.username, password: login.password, connectString: connectString(login), connectTimeout: 5 });
  return {
    query: async (sql, params) => {
      const out = await conn.execute<Record<string, unknown>>(sql, (params ?? []) as oracledb.BindParameters, {
        outFormat: driver.OUT_FORMAT_OBJECT,
        autoCommit: true,
        // DBMS_METADATA answers CLOBs: fetch them as strings
        fetchTypeHandler: (meta) => (meta.dbType === driver.DB_TYPE_CLOB ? { type: driver.STRING } : undefined),
      });
      return out.rows ?? [];
    },
    close: () => conn.close(),
  };
}

export const oracle: Dialect = {
  label: 'Oracle',
  engines: ['oracle'],
  defaultPort: 1521,
  requiresDbname: true,
  password: { excludeCharacters: '/@"\'\\', length: 30 },
  alternateUsername: (name) => cloneName(name.toUpperCase(), 128, '_CLONE'),
  // AWS's Oracle functions never try TLS by themselves; `ssl: true` in the secret asks for it
  tlsFirst: false,
  isTlsUnsupported: () => false,
  connect,
  probe: async (conn) => {
    await conn.query('SELECT SYSDATE FROM DUAL');
  },
  setOwnPassword: async (conn, username, password, oldPassword) => {
    await conn.query(alterOwnPasswordSql(username, password, oldPassword));
  },
  setClonePassword: async (conn, current, pending, password) => {
    const exists = await conn.query('SELECT USERNAME FROM DBA_USERS WHERE USERNAME = :1', [pending.toUpperCase()]);
    if (exists.length > 0) {
      await conn.query(`ALTER USER ${quoteIdent(pending)} IDENTIFIED BY ${quotePassword(password)}`);
      return;
    }
    await conn.query(`CREATE USER ${quoteIdent(pending)} IDENTIFIED BY ${quotePassword(password)}`);
    for (const type of GRANT_TYPES) {
      let rows: Record<string, unknown>[];
      try {
        rows = await conn.query('SELECT DBMS_METADATA.GET_GRANTED_DDL(:1, :2) AS DDL FROM DUAL', [type, current.toUpperCase()]);
      } catch (err) {
        // ORA-31608: the user has no grant of this type
        if (/ORA-31608/.test(String((err as Error)?.message))) continue;
        throw err;
      }
      for (const row of rows) for (const sql of cloneGrants(String(row.DDL ?? ''), current, pending)) await conn.query(sql);
    }
  },
};
