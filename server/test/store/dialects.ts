// The store contract suite runs every test once per dialect. A StoreTarget is one empty store (a fresh
// SQLite data directory, or a fresh PostgreSQL database plus a data directory for the root key file and the
// admin credentials) that servers can be started on, restarted on, and inspected byte by byte.
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import pg from 'pg';
import Sqlite from 'better-sqlite3';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import type { StoreLocation } from '../../src/store/db.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/test-server.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreTarget {
  dialect: DialectName;
  /** holds root.key and credentials (and coffer.db on SQLite) */
  dataDir: string;
  databaseUrl?: string;
  /** where openStore() finds this store */
  location: StoreLocation;
  /** A server on this store; `dataDir` overrides the data directory (another root key file). */
  start(options?: Omit<TestServerOptions, 'databaseUrl'>): Promise<TestServer>;
  /** Runs SQL straight on the store, outside any server (a separate connection); rows of a query, [] otherwise. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Names of the tables in the store. */
  tables(): Promise<string[]>;
  /** Every stored byte sequence that could hold a value: the SQLite files, or every text/bytea cell. */
  findBytes(needle: Buffer): Promise<string[]>;
  dispose(): Promise<void>;
}

export interface DialectCase {
  name: DialectName;
  /** set when the dialect cannot run here (only PostgreSQL outside CI); under CI a missing server throws */
  skip: string | undefined;
  create(): Promise<StoreTarget>;
}

const pgSkip = await postgresSkipReason();

export const DIALECTS: DialectCase[] = [
  { name: 'sqlite', skip: undefined, create: createSqliteTarget },
  { name: 'postgres', skip: pgSkip, create: createPostgresTarget },
];

export function tempDir(prefix = 'coffer-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function createSqliteTarget(): Promise<StoreTarget> {
  const dataDir = tempDir();
  const dbFile = join(dataDir, 'coffer.db');
  const withDb = <T>(work: (db: Sqlite.Database) => T): T => {
    // A second connection, as an operator's sqlite3 shell would open: it sees every committed write.
    const db = new Sqlite(dbFile, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    dialect: 'sqlite',
    dataDir,
    location: { kind: 'sqlite', path: dbFile },
    start: (options = {}) => startTestServer({ ...options, dataDir: options.dataDir ?? dataDir }),
    async query<T>(text: string, params: unknown[] = []) {
      if (!existsSync(dbFile)) return [];
      return withDb((db) => {
        const statement = db.prepare(text);
        if (statement.reader) return statement.all(...params) as T[];
        statement.run(...params);
        return [];
      });
    },
    async tables() {
      if (!existsSync(dbFile)) return [];
      return withDb((db) =>
        (db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as Array<{ name: string }>).map((r) => r.name),
      );
    },
    async findBytes(needle) {
      // The main file, the write-ahead log and any journal: whatever SQLite has written to disk.
      const hits: string[] = [];
      for (const file of readdirSync(dataDir).filter((f) => f.startsWith('coffer.db'))) {
        if (readFileSync(join(dataDir, file)).includes(needle)) hits.push(file);
      }
      return hits;
    },
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function createPostgresTarget(): Promise<StoreTarget> {
  const database = await createTestDatabase();
  const dataDir = tempDir();
  const withClient = async <T>(work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    dialect: 'postgres',
    dataDir,
    databaseUrl: database.url,
    location: { kind: 'postgres', url: database.url },
    start: (options = {}) => startTestServer({ ...options, dataDir: options.dataDir ?? dataDir, databaseUrl: database.url }),
    query: <T>(text: string, params: unknown[] = []) => withClient(async (c) => (await c.query(text, params)).rows as T[]),
    tables: () =>
      withClient(async (c) =>
        (await c.query(`select table_name from information_schema.tables where table_schema = 'public' order by table_name`)).rows.map(
          (r: { table_name: string }) => r.table_name,
        ),
      ),
    findBytes: (needle) =>
      withClient(async (c) => {
        // Every text-like and bytea column of every table, searched in the database itself.
        const { rows: columns } = await c.query<{ table_name: string; column_name: string; data_type: string }>(
          `select table_name, column_name, data_type from information_schema.columns
            where table_schema = 'public' and data_type in ('bytea', 'text', 'character varying', 'character', 'json', 'jsonb')`,
        );
        if (columns.length === 0) throw new Error('no columns to search: is the schema there?');
        // Text columns cannot hold bytes that are not UTF-8 (or NUL), so such a needle is looked for in bytea only.
        const asText = isUtf8(needle) && !needle.includes(0) ? needle.toString('utf8') : undefined;
        const hits: string[] = [];
        for (const { table_name, column_name, data_type } of columns) {
          const bytea = data_type === 'bytea';
          if (!bytea && asText === undefined) continue;
          const { rows } = await c.query<{ n: number }>(
            `select count(*)::int as n from "${table_name}" where position($1${bytea ? '::bytea' : ''} in "${column_name}"${bytea ? '' : '::text'}) > 0`,
            [bytea ? needle : asText],
          );
          if (rows[0].n > 0) hits.push(`${table_name}.${column_name}`);
        }
        return hits;
      }),
    async dispose() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
