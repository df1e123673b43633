// Microsoft SQL Server for the rotation templates, with `mssql` (tedious). Not run against a live server
// here: its SQL and flow are unit-tested with a fake connection (see sqlserver.test.ts). Names are quoted
// as QUOTENAME does ([name], ] doubled) and passwords are N'...' literals (' doubled), since DDL takes no
// parameters. As AWS's functions do, a login is rotated in an ordinary database, a user in a contained one.
import type mssql from 'mssql';
import { cloneName, type Dialect, type Login, type SqlConnection } from './dialect.ts';

export const quoteName = (name: string): string => `[${name.replace(/]/g, ']]')}]`;
export const quoteString = (text: string): string => `N'${text.replace(/'/g, "''")}'`;

export function alterOwnPasswordSql(contained: boolean, username: string, password: string, oldPassword: string): string {
  return `ALTER ${contained ? 'USER' : 'LOGIN'} ${quoteName(username)} WITH PASSWORD = ${quoteString(password)} OLD_PASSWORD = ${quoteString(oldPassword)}`;
}

/** A row of sys.database_permissions (with the names joined in) as a GRANT/DENY for the clone. */
export function permissionSql(row: Record<string, unknown>, grantee: string): string {
  const perm = permissionName(row.perm_name);
  const on = (() => {
    switch (Number(row.class)) {
      case 0:
        return '';
      case 1: {
        const column = row.col_name ? ` (${quoteName(String(row.col_name))})` : '';
        return ` ON OBJECT::${quoteName(String(row.obj_schema_name))}.${quoteName(String(row.obj_name))}${column}`;
      }
      case 3:
        return ` ON SCHEMA::${quoteName(String(row.schema_name))}`;
      default:
        throw new Error(`The permission class ${String(row.class)} of ${perm} is not copied to the clone by this template`);
    }
  })();
  return grantSql(row.state_desc, `${perm}${on}`, grantee);
}

/** Permission names come from the catalog but still go into SQL text: only the catalog's shape passes. */
function permissionName(value: unknown): string {
  const perm = String(value);
  if (!/^[A-Z][A-Z ]*$/.test(perm)) throw new Error(`Unexpected permission name ${perm}`);
  return perm;
}

function grantSql(stateDesc: unknown, what: string, grantee: string): string {
  const state = String(stateDesc);
  if (state === 'GRANT_WITH_GRANT_OPTION') return `GRANT ${what} TO ${quoteName(grantee)} WITH GRANT OPTION`;
  if (state !== 'GRANT' && state !== 'DENY') throw new Error(`Unexpected permission state ${state}`);
  return `${state} ${what} TO ${quoteName(grantee)}`;
}

const DATABASE_ROLES = `SELECT roleprin.name FROM sys.database_role_members rolemems
  JOIN sys.database_principals roleprin ON roleprin.principal_id = rolemems.role_principal_id
  JOIN sys.database_principals userprin ON userprin.principal_id = rolemems.member_principal_id
  WHERE userprin.name = @p1`;
const DATABASE_PERMISSIONS = `SELECT perm.class, perm.state_desc, perm.permission_name AS perm_name, permschem.name AS schema_name,
  obj.name AS obj_name, objschem.name AS obj_schema_name, col.name AS col_name
  FROM sys.database_permissions perm
  JOIN sys.database_principals prin ON perm.grantee_principal_id = prin.principal_id
  LEFT JOIN sys.schemas permschem ON perm.class = 3 AND permschem.schema_id = perm.major_id
  LEFT JOIN sys.objects obj ON perm.class = 1 AND obj.object_id = perm.major_id
  LEFT JOIN sys.schemas objschem ON objschem.schema_id = obj.schema_id
  LEFT JOIN sys.columns col ON perm.class = 1 AND col.object_id = perm.major_id AND col.column_id = perm.minor_id
  WHERE prin.name = @p1`;
const SERVER_PERMISSIONS = `SELECT perm.state_desc, perm.permission_name AS perm_name FROM sys.server_permissions perm
  JOIN sys.server_principals prin ON perm.grantee_principal_id = prin.principal_id WHERE prin.name = @p1`;

async function copyDatabasePermissions(conn: SqlConnection, currentUser: string, pendingUser: string): Promise<void> {
  for (const role of await conn.query(DATABASE_ROLES, [currentUser])) {
    await conn.query(`ALTER ROLE ${quoteName(String(role.name))} ADD MEMBER ${quoteName(pendingUser)}`);
  }
  for (const row of await conn.query(DATABASE_PERMISSIONS, [currentUser])) await conn.query(permissionSql(row, pendingUser));
}

async function isContained(conn: SqlConnection): Promise<{ db: string; contained: boolean }> {
  const db = String((await conn.query('SELECT DB_NAME() AS name'))[0].name);
  const rows = await conn.query('SELECT containment FROM sys.databases WHERE name = @p1', [db]);
  return { db, contained: Number(rows[0]?.containment ?? 0) !== 0 };
}

// The driver is loaded when a rotation first connects: most servers never rotate on this database, and
// loading it costs every process start-up time.
async function connect(login: Login): Promise<SqlConnection> {
  const { default: driver } = await import('mssql');
  const pool = new driver.ConnectionPool({
    server: login.host,
    port: login.port,
    database: login.dbname,
    user: login.username,
    password: login.password,
    connectionTimeout: 5000,
    pool: { min: 0, max: 1 },
    options: { encrypt: login.tls === 'require', trustServerCertificate: false },
  });
  pool.on('error', () => {}); // a dropped connection must not crash the server
  await pool.connect();
  return {
    query: async (sql, params) => {
      const request = pool.request();
      (params ?? []).forEach((value, i) => request.input(`p${i + 1}`, value));
      return (await request.query(sql)).recordset ?? [];
    },
    close: () => pool.close(),
  };
}

export const sqlserver: Dialect = {
  label: 'SQL Server',
  engines: ['sqlserver'],
  defaultPort: 1433,
  defaultDbname: 'master',
  password: { excludeCharacters: ':/@"\'\\', length: 32 },
  alternateUsername: (name) => cloneName(name, 128),
  // AWS's SQL Server functions never try TLS by themselves; `ssl: true` in the secret asks for it
  tlsFirst: false,
  isTlsUnsupported: () => false,
  connect,
  probe: async (conn) => {
    await conn.query('SELECT @@VERSION AS version');
  },
  setOwnPassword: async (conn, username, password, oldPassword) => {
    const { contained } = await isContained(conn);
    await conn.query(alterOwnPasswordSql(contained, username, password, oldPassword));
  },
  setClonePassword: async (conn, current, pending, password) => {
    const { db, contained } = await isContained(conn);
    if (contained) {
      if ((await conn.query('SELECT name FROM sys.database_principals WHERE name = @p1', [pending])).length > 0) {
        await conn.query(`ALTER USER ${quoteName(pending)} WITH PASSWORD = ${quoteString(password)}`);
        return;
      }
      await conn.query(`CREATE USER ${quoteName(pending)} WITH PASSWORD = ${quoteString(password)}`);
      await copyDatabasePermissions(conn, current, pending);
      return;
    }
    if ((await conn.query('SELECT name FROM sys.server_principals WHERE name = @p1', [pending])).length > 0) {
      await conn.query(`ALTER LOGIN ${quoteName(pending)} WITH PASSWORD = ${quoteString(password)}`);
      return;
    }
    await conn.query(`CREATE LOGIN ${quoteName(pending)} WITH PASSWORD = ${quoteString(password)}`);
    if (db === 'master') {
      // server-level permissions are only visible from master
      for (const row of await conn.query(SERVER_PERMISSIONS, [current])) await conn.query(grantSql(row.state_desc, permissionName(row.perm_name), pending));
      return;
    }
    // the database user mapped to the current login, and its alternate for the new login
    const users = await conn.query(
      'SELECT dbprin.name FROM sys.database_principals dbprin JOIN sys.server_principals sprin ON dbprin.sid = sprin.sid WHERE sprin.name = @p1',
      [current],
    );
    if (users.length === 0) throw new Error(`The login ${current} has no user in database ${db}`);
    const currentUser = String(users[0].name);
    const altUser = cloneName(currentUser, 128);
    if ((await conn.query('SELECT name FROM sys.database_principals WHERE name = @p1', [altUser])).length === 0) {
      await conn.query(`CREATE USER ${quoteName(altUser)} FOR LOGIN ${quoteName(pending)}`);
    }
    await copyDatabasePermissions(conn, currentUser, altUser);
  },
};
