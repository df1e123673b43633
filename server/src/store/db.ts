// Opens the store: Kysely over better-sqlite3 (embedded default, also in-memory for --dev) or over pg.
// Dialect differences live here and in the column types handed to migrations, nowhere else.
import { closeSync, openSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import {
  sql,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type Driver,
  type LogEvent,
  type Migration,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.ts';
import { groupSync, walFlush } from './group-sync.ts';
import { LOCK_WAIT_MS, SqliteDriver, isBusy, whenUnlocked, type SqliteConnections } from './sqlite-driver.ts';

export { isBusy };
import * as initial from './migrations/001-initial.ts';
import * as kms from './migrations/002-kms.ts';
import * as access from './migrations/003-access.ts';
import * as rotation from './migrations/004-rotation.ts';
import * as auditSegments from './migrations/005-audit-segments.ts';
import * as changeGeneration from './migrations/006-change-generation.ts';
import * as kmsKeyPolicies from './migrations/007-kms-key-policies.ts';
import * as kmsGrants from './migrations/008-kms-grants.ts';
import * as rotationToken from './migrations/009-rotation-token.ts';
import * as replication from './migrations/010-replication.ts';
import * as lambdaFunctions from './migrations/012-lambda-functions.ts';
import * as peerReplication from './migrations/013-peer-replication.ts';
import * as rotationDrift from './migrations/014-rotation-drift.ts';
import * as peerReplicaAccess from './migrations/015-peer-replica-access.ts';
import * as rotationRetirement from './migrations/016-rotation-retirement.ts';
import * as listOrderIndexes from './migrations/018-list-order-indexes.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Anything store functions can run a query on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface ColumnTypes {
  blob: ColumnDataType;
  time: ColumnDataType;
  serial: ColumnDataType;
  autoIncrement(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Makes every write to `table` move the change token in the writing transaction (see changeToken). */
  trackChanges(db: Kysely<unknown>, table: string): Promise<void>;
  /**
   * An index on `columns` whose last one answers Store.startsWith. SQLite's GLOB uses an index of the BINARY
   * collation, the default, so it makes one only when `sqliteHasOne` is false (a unique constraint may already
   * be that index); PostgreSQL's LIKE needs text_pattern_ops under any collation but C.
   */
  prefixIndex(db: Kysely<unknown>, index: string, table: string, columns: string[], sqliteHasOne: boolean): Promise<void>;
}

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Locks a row for the rest of the transaction on PostgreSQL; SQLite transactions are already serial. */
  forUpdate: boolean;
  /**
   * SQL that the text `column` starts with `prefix`, case-sensitive, every character literal, in a form an
   * index made by ColumnTypes.prefixIndex answers: GLOB on SQLite, LIKE on PostgreSQL.
   */
  startsWith(column: RawBuilder<unknown>, prefix: string): RawBuilder<boolean>;
  /**
   * A value that moves with every committed write to a table a cache may hold, by any process or server
   * (triggers move it in the writing transaction: migrations/006-change-generation.ts). It never shows a write
   * that is not committed (SQLite reads it on its read connection; in memory, where there is one connection, a
   * read while a transaction is open waits for it, so a transaction must not read it: it would wait for itself).
   */
  changeToken(): Promise<string>;
  /**
   * Pushes deleted rows out of the files where they could linger (crypto-shredding of key material): on
   * SQLite, with secure_delete on, a truncating checkpoint also empties the write-ahead log. PostgreSQL
   * keeps dead tuples until VACUUM reuses their space; there this does nothing (see services/kms/README.md).
   */
  scrub(): Promise<void>;
  /**
   * Keeps other writers out of these tables until the transaction ends (root-key rotation). SQLite
   * transactions already begin IMMEDIATE, holding the database's one write lock; PostgreSQL locks the tables.
   */
  lockTables(tx: Tx, tables: Array<keyof Database>): Promise<void>;
  close(): Promise<void>;
}

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface StoreOptions {
  /** called after every query Kysely runs, failed ones included: the query's kind (SelectQueryNode...) and time */
  onQuery?: (kind: string, ms: number) => void;
  /** called after every fsync that made SQLite commits durable (group-sync.ts): how long it took */
  onSync?: (ms: number) => void;
  /**
   * SQLite: false leaves copying the write-ahead log into the database file (checkpoints, with their fsyncs) to
   * another process on the same file: the primary under --workers, so a worker's commit never does it on the
   * event loop that serves reads. The primary's audit writes commit every second under load, and each
   * checkpoints once the log passes SQLite's 1,000 pages.
   */
  checkpoint?: boolean;
}

/** Each dialect's column types and DDL for migrations (tests that build an old schema use them too). */
export const columnTypes: Record<Dialect, ColumnTypes> = {
  sqlite: {
    blob: 'blob',
    time: 'integer',
    serial: 'integer',
    autoIncrement: (c) => c.autoIncrement(),
    // SQLite writers take turns (BEGIN IMMEDIATE), so a trigger per statement kind is all it needs.
    async trackChanges(db, table) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql`create trigger ${sql.id(`${table}_${event}_changes`)} after ${sql.raw(event)} on ${sql.table(table)}
          begin update change_generation set value = value + 1; end`.execute(db);
      }
    },
    async prefixIndex(db, index, table, columns, sqliteHasOne) {
      if (!sqliteHasOne) await db.schema.createIndex(index).on(table).columns(columns).execute();
    },
  },
  postgres: {
    blob: 'bytea',
    time: 'bigint',
    serial: 'serial',
    autoIncrement: (c) => c,
    // Deferred to the commit: the generation row is the last lock a writer takes, so two writers holding
    // row locks never wait for each other through it.
    async trackChanges(db, table) {
      await sql`create or replace function coffer_count_change() returns trigger language plpgsql as
        $$ begin update change_generation set value = value + 1; return null; end $$`.execute(db);
      await sql`create constraint trigger ${sql.id(`${table}_changes`)} after insert or update or delete on ${sql.table(table)}
        deferrable initially deferred for each row execute function coffer_count_change()`.execute(db);
    },
    async prefixIndex(db, index, table, columns) {
      const last = columns[columns.length - 1];
      const ids = sql.join([...columns.slice(0, -1).map((c) => sql.id(c)), sql`${sql.id(last)} text_pattern_ops`]);
      await sql`create index ${sql.id(index)} on ${sql.table(table)} (${ids})`.execute(db);
    },
  },
};

const migrations: Array<[string, (db: Kysely<unknown>, types: ColumnTypes) => Promise<void>]> = [
  ['001-initial', initial.up],
  ['002-kms', kms.up],
  ['003-access', access.up],
  ['004-rotation', rotation.up],
  ['005-audit-segments', auditSegments.up],
  ['006-change-generation', changeGeneration.up],
  ['007-kms-key-policies', kmsKeyPolicies.up],
  ['008-kms-grants', kmsGrants.up],
  ['009-rotation-token', rotationToken.up],
  ['010-replication', replication.up],
  ['012-lambda-functions', lambdaFunctions.up],
  ['013-peer-replication', peerReplication.up],
  ['014-rotation-drift', rotationDrift.up],
  ['015-peer-replica-access', peerReplicaAccess.up],
  ['016-rotation-retirement', rotationRetirement.up],
  ['018-list-order-indexes', listOrderIndexes.up],
];

/** Every migration this server applies, in order (readiness checks that the database has them all). */
export const MIGRATION_NAMES: readonly string[] = migrations.map(([name]) => name);

export async function openStore(location: StoreLocation, options: StoreOptions = {}): Promise<Store> {
  const dialect: Dialect = location.kind;
  const { onQuery, onSync, checkpoint: checkpoints = true } = options;
  // Kysely times each query only when it has a log function.
  const log = onQuery && ((event: LogEvent) => onQuery(event.query.query.kind, event.queryDurationMillis));
  let db: Db;
  let sqlite: SqliteConnections | undefined;
  if (location.kind === 'sqlite') {
    sqlite = openSqlite(location.path, { checkpoints, onSync });
    db = new Kysely<Database>({ dialect: new TwoConnectionSqliteDialect(sqlite), log });
  } else {
    // BIGINT columns hold epoch milliseconds, well inside Number's exact range.
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: location.url, max: 10 });
    // An idle connection that PostgreSQL ends (restart, pg_terminate_backend, idle timeout) makes the pool
    // emit 'error'; without a listener that is an uncaught exception that kills the server. The pool has
    // already dropped the connection and opens a new one for the next query, so there is nothing to do.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  }
  await migrate(db, dialect);
  const tokenQuery = db.selectFrom('change_generation').select('value').where('id', '=', 1).compile();
  const queryToken = async (): Promise<string> => String((await db.executeQuery(tokenQuery)).rows[0].value);
  const lockTables = async (tx: Tx, tables: Array<keyof Database>): Promise<void> => {
    if (dialect === 'postgres') await sql`lock table ${sql.join(tables.map((t) => sql.table(t)))} in share row exclusive mode`.execute(tx);
  };
  // With secure_delete on, a truncating checkpoint also empties SQLite's write-ahead log.
  const checkpoint = sqlite && (() => truncateLog(sqlite.reader));
  return {
    db,
    dialect,
    forUpdate: dialect === 'postgres',
    startsWith: dialect === 'sqlite' ? sqliteStartsWith : postgresStartsWith,
    changeToken: sqlite ? sqliteToken(sqlite, queryToken) : queryToken,
    scrub: async () => checkpoint?.(),
    lockTables,
    close: () => db.destroy(),
  };
}

/**
 * SQLite's two connections to one file (one for an in-memory database: a second would open another). Neither
 * has a busy timeout: SQLite's would sleep on the event loop while another process holds the write lock; the
 * driver waits for it between turns instead (sqlite-driver.ts).
 */
function openSqlite(path: string, options: { checkpoints: boolean; onSync: StoreOptions['onSync'] }): SqliteConnections {
  // Owner-only from the start: SQLite gives its -wal and -shm files the database file's permissions.
  if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
  const writer = new Sqlite(path, { timeout: 0 });
  // WAL keeps readers off the writer's back. A commit does not wait for the disk (NORMAL); the driver
  // acknowledges it only after a shared fsync of the log (group-sync.ts), so it is durable even against
  // power loss, not only against kill -9.
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  if (!options.checkpoints) writer.pragma('wal_autocheckpoint = 0');
  writer.pragma('foreign_keys = ON');
  // Deleted content is overwritten with zeros, so destroyed key material does not stay in free pages.
  writer.pragma('secure_delete = ON');
  if (path === ':memory:') return { reader: writer, writer, sync: async () => {} };
  const reader = new Sqlite(path, { timeout: 0 });
  return { reader, writer, sync: groupSync(timed(walFlush(path), options.onSync)) };
}

// GLOB is case-sensitive and SQLite answers `x GLOB 'abc*'` from an index on x (BINARY); * ? [ stand for themselves in brackets.
function sqliteStartsWith(column: RawBuilder<unknown>, prefix: string): RawBuilder<boolean> {
  return sql<boolean>`${column} glob ${`${prefix.replace(/[*?[]/g, (c) => `[${c}]`)}*`}`;
}

// LIKE's default escape character is the backslash; with text_pattern_ops PostgreSQL answers a fixed prefix from the index.
function postgresStartsWith(column: RawBuilder<unknown>, prefix: string): RawBuilder<boolean> {
  return sql<boolean>`${column} like ${`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`;
}

/** Kysely's SQLite dialect (its SQL and introspection) on Coffer's driver. */
class TwoConnectionSqliteDialect extends SqliteDialect {
  constructor(private readonly connections: SqliteConnections) {
    super({ database: connections.writer });
  }

  override createDriver(): Driver {
    return new SqliteDriver(this.connections);
  }
}

function timed(flush: () => Promise<void>, onSync: StoreOptions['onSync']): () => Promise<void> {
  if (!onSync) return flush;
  return async () => {
    const started = performance.now();
    await flush();
    onSync(performance.now() - started);
  };
}

/**
 * SQLite's change token. Every request reads it, so through a statement prepared once (Kysely prepares each
 * query again, which costs more than this read), on the read connection: it shows only committed writes. An
 * in-memory database has one connection, whose open transaction a direct read would see into: there the read
 * waits its turn through Kysely.
 */
function sqliteToken({ reader, writer }: SqliteConnections, queryToken: () => Promise<string>): () => Promise<string> {
  const generation = reader.prepare('select value from change_generation where id = 1').pluck();
  return async () => (reader === writer && writer.inTransaction ? queryToken() : String(await whenUnlocked(() => generation.get())));
}

/** A truncating checkpoint, waiting between turns while other connections' readers or writer hold it up. */
async function truncateLog(sqlite: Sqlite.Database): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while ((await whenUnlocked(() => sqlite.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>))[0].busy !== 0) {
    if (Date.now() >= deadline) return;
    await delay(1);
  }
}

async function migrate(db: Db, dialect: Dialect): Promise<void> {
  const types = columnTypes[dialect];
  const provided: Record<string, Migration> = {};
  for (const [name, up] of migrations) provided[name] = { up: (k) => up(k, types) };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => provided },
    migrationTableName: 'coffer_migrations',
    migrationLockTableName: 'coffer_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error(`database migration failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** True when a write failed on a primary-key or unique constraint (both dialects). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
