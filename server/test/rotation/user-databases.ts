// Real database servers that check passwords, for rotation functions' tests: a throwaway scram-sha-256
// PostgreSQL cluster and a database of its own on the local MariaDB, each with users made and changed by an
// admin connection (ALTER ROLE / ALTER USER: "behind the secret's back").
import { after, before } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MARIADB } from '../support/mariadb.ts';
import { startScramCluster, type ScramCluster } from '../support/scram-postgres.ts';
import { uniqueName } from './template-scenarios.ts';

export interface Database {
  engine: string;
  host: string;
  port: number;
  dbname: string;
  createUser(username: string, password: string): Promise<void>;
  canLogin(username: string, password: string): Promise<boolean>;
  setPassword(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

async function postgres(cluster: ScramCluster): Promise<Database> {
  const connect = (user: string, password: string) => new pg.Client({ host: cluster.host, port: cluster.port, user, password, database: 'postgres' });
  const admin = connect(cluster.admin.username, cluster.admin.password);
  await admin.connect();
  return {
    engine: 'postgres',
    host: cluster.host,
    port: cluster.port,
    dbname: 'postgres',
    createUser: async (username, password) => void (await admin.query(`CREATE ROLE ${pg.escapeIdentifier(username)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`)),
    async canLogin(username, password) {
      const c = connect(username, password);
      try {
        await c.connect();
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === '28P01') return false;
        throw err;
      } finally {
        await c.end().catch(() => {});
      }
    },
    setPassword: async (username, password) => void (await admin.query(`ALTER ROLE ${pg.escapeIdentifier(username)} PASSWORD ${pg.escapeLiteral(password)}`)),
    close: () => admin.end(),
  };
}

async function mariadb(): Promise<Database> {
  const admin = await mysql.createConnection(MARIADB);
  const dbname = uniqueName('coffer_lambda');
  const users: string[] = [];
  await admin.query(`CREATE DATABASE \`${dbname}\``);
  return {
    engine: 'mariadb',
    host: MARIADB.host,
    port: MARIADB.port,
    dbname,
    async createUser(username, password) {
      users.push(username);
      await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [username, password]);
      await admin.query(`GRANT SELECT ON \`${dbname}\`.* TO ?@'%'`, [username]);
    },
    async canLogin(username, password) {
      try {
        await (await mysql.createConnection({ host: MARIADB.host, port: MARIADB.port, user: username, password, database: dbname })).end();
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR') return false;
        throw err;
      }
    },
    setPassword: async (username, password) => void (await admin.query(`ALTER USER ?@'%' IDENTIFIED BY ?`, [username, password])),
    async close() {
      for (const u of users) await admin.query(`DROP USER IF EXISTS ?@'%'`, [u]);
      await admin.query(`DROP DATABASE IF EXISTS \`${dbname}\``);
      await admin.end();
    },
  };
}

/** Both databases by engine, started in the test file's `before` and stopped in its `after` (neither when skipped). */
export function userDatabases(skip: string | undefined): Record<string, Database> {
  let cluster: ScramCluster | undefined;
  const databases: Record<string, Database> = {};
  before(async () => {
    if (skip) return;
    cluster = await startScramCluster();
    databases.postgres = await postgres(cluster);
    databases.mariadb = await mariadb();
  });
  after(async () => {
    for (const d of Object.values(databases)) await d.close().catch(() => {});
    await cluster?.stop();
  });
  return databases;
}
