// PostgreSQL for the rotation templates, with `pg`. DDL takes no bind parameters, so names and passwords
// are quoted here with pg's own escapeIdentifier / escapeLiteral (E'' form, safe whatever
// standard_conforming_strings says). Passwords are sent as SCRAM verifiers, never as text.
import pg from 'pg';
import { cloneName, type Dialect, type Login, type SqlConnection } from './dialect.ts';
import { scramVerifier } from './scram-verifier.ts';

export const quoteIdent = (name: string): string => pg.escapeIdentifier(name);
export const quoteLiteral = (text: string): string => pg.escapeLiteral(text);

const passwordLiteral = (password: string): string => quoteLiteral(scramVerifier(password) ?? password);

export function alterPasswordSql(username: string, password: string): string {
  return `ALTER USER ${quoteIdent(username)} WITH PASSWORD ${passwordLiteral(password)}`;
}

export function createCloneSql(current: string, pending: string, password: string): string[] {
  // Membership in the original role gives the clone the same privileges, now and after later GRANTs.
  return [`CREATE ROLE ${quoteIdent(pending)} WITH LOGIN PASSWORD ${passwordLiteral(password)}`, `GRANT ${quoteIdent(current)} TO ${quoteIdent(pending)}`];
}

async function connect(login: Login): Promise<SqlConnection> {
  const client = new pg.Client({
    host: login.host,
    port: login.port,
    database: login.dbname,
    user: login.username,
    password: login.password,
    connectionTimeoutMillis: 5000,
    // verified against the system CAs (and NODE_EXTRA_CA_CERTS), host name included
    ssl: login.tls === 'require' ? { rejectUnauthorized: true, servername: login.host } : false,
  });
  client.on('error', () => {}); // a dropped idle connection must not crash the server
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return {
    query: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows,
    close: () => client.end(),
  };
}

export const postgres: Dialect = {
  label: 'PostgreSQL',
  engines: ['postgres', 'aurora-postgresql'],
  defaultPort: 5432,
  defaultDbname: 'postgres',
  password: { excludeCharacters: ':/@"\'\\', length: 32 },
  alternateUsername: (name) => cloneName(name, 63),
  tlsFirst: true,
  isTlsUnsupported: (err) => /does not support SSL/i.test(String((err as Error)?.message)),
  connect,
  probe: async (conn) => {
    await conn.query('SELECT now()');
  },
  setOwnPassword: async (conn, username, password) => {
    await conn.query(alterPasswordSql(username, password));
  },
  setClonePassword: async (conn, current, pending, password) => {
    const exists = await conn.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending]);
    const statements = exists.length === 0 ? createCloneSql(current, pending, password) : [alterPasswordSql(pending, password)];
    await conn.query('BEGIN');
    try {
      for (const sql of statements) await conn.query(sql);
      await conn.query('COMMIT');
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => {});
      throw err;
    }
  },
};
