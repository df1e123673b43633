// The store contract suite runs every test once per dialect. A StoreTarget is one empty store (a fresh
// SQLite data directory, or a fresh PostgreSQL database plus a data directory for the root key file and the
// admin credentials) that servers can be started on, restarted on, and inspected byte by byte.
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Where each needle occurs in what is stored: the SQLite files, or every text/bytea cell (table.column). */
  findBytes(needles: Buffer[]): Promise<string[][]>;
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
    async findBytes(needles) {
      // The main file, the write-ahead log and any journal: whatever SQLite has written to disk.
      const files = readdirSync(dataDir).filter((f) => f.startsWith('coffer.db')).map((f) => [f, readFileSync(join(dataDir, f))] as const);
      return needles.map((needle) => files.filter(([, bytes]) => bytes.includes(needle)).map(([f]) => f));
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
    findBytes: (needles) =>
      withClient(async (c) => {
        // Every text-like and bytea cell of every table, each read once and searched for every needle.
        const { rows: columns } = await c.query<{ table_name: string; column_name: string; data_type: string }>(
          `select table_name, column_name, data_type from information_schema.columns
            where table_schema = 'public' and data_type in ('bytea', 'text', 'character varying', 'character', 'json', 'jsonb')`,
        );
        if (columns.length === 0) throw new Error('no columns to search: is the schema there?');
        const hits: string[][] = needles.map(() => []);
        for (const table of new Set(columns.map((col) => col.table_name))) {
          const cols = columns.filter((col) => col.table_name === table);
          const list = cols.map((col) => `"${col.column_name}"${col.data_type === 'bytea' ? '' : '::text'}`).join(', ');
          const { rows } = await c.query({ text: `select ${list} from "${table}"`, rowMode: 'array' });
          for (const row of rows as unknown[][]) {
            row.forEach((cell, i) => {
              if (cell === null) return;
              const bytes = Buffer.isBuffer(cell) ? cell : Buffer.from(String(cell), 'utf8');
              needles.forEach((needle, n) => {
                const where = `${table}.${cols[i].column_name}`;
                if (bytes.includes(needle) && !hits[n].includes(where)) hits[n].push(where);
              });
            });
          }
        }
        return hits;
      }),
    async dispose() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
