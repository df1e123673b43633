// Opens the store: Kysely over better-sqlite3 (embedded default, also in-memory for --dev) or over pg.
// Dialect differences live here and in the column types handed to migrations, nowhere else.
import { closeSync, openSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import {
  sql,
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type DatabaseConnection,
  type Driver,
  type LogEvent,
  type Migration,
  type QueryResult,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.ts';
import { groupSync, walFlush } from './group-sync.ts';
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
}

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Locks a row for the rest of the transaction on PostgreSQL; SQLite transactions are already serial. */
  forUpdate: boolean;
  /**
   * A value that moves with every committed write to a table a cache may hold, by any process or server
   * (triggers move it in the writing transaction: migrations/006-change-generation.ts). It never shows a write
   * that is not committed: on SQLite a read while this process has a transaction open waits for it, as every
   * query does (so a transaction must not read it: it would wait for itself).
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
];

/** Every migration this server applies, in order (readiness checks that the database has them all). */
export const MIGRATION_NAMES: readonly string[] = migrations.map(([name]) => name);

export async function openStore(location: StoreLocation, options: StoreOptions = {}): Promise<Store> {
  const dialect: Dialect = location.kind;
  const { onQuery, onSync, checkpoint: checkpoints = true } = options;
  // Kysely times each query only when it has a log function.
  const log = onQuery && ((event: LogEvent) => onQuery(event.query.query.kind, event.queryDurationMillis));
  let db: Db;
  let sqlite: Sqlite.Database | undefined;
  if (location.kind === 'sqlite') {
    // Owner-only from the start: SQLite gives its -wal and -shm files the database file's permissions.
    if (location.path !== ':memory:') closeSync(openSync(location.path, 'a', 0o600));
    // No busy timeout: SQLite's would sleep on the event loop while another process holds the write lock;
    // the driver waits for it between turns instead (WaitingSqliteConnection).
    sqlite = new Sqlite(location.path, { timeout: 0 });
    // WAL keeps readers off the writer's back. A commit does not wait for the disk (NORMAL); the driver
    // acknowledges it only after a shared fsync of the log (group-sync.ts), so it is durable even against
    // power loss, not only against kill -9.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    if (!checkpoints) sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma('foreign_keys = ON');
    // Deleted content is overwritten with zeros, so destroyed key material does not stay in free pages.
    sqlite.pragma('secure_delete = ON');
    const sync = location.path === ':memory:' ? async () => {} : groupSync(timed(walFlush(location.path), onSync));
    db = new Kysely<Database>({ dialect: new DurableSqliteDialect(sqlite, sync), log });
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
  const checkpoint = sqlite && (() => truncateLog(sqlite));
  return {
    db,
    dialect,
    forUpdate: dialect === 'postgres',
    changeToken: sqlite ? sqliteToken(sqlite, queryToken) : queryToken,
    scrub: async () => checkpoint?.(),
    lockTables,
    close: () => db.destroy(),
  };
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
 * query again, which costs more than this read), except while this process's connection has a transaction
 * open: a direct read would see its uncommitted writes, so then the read waits its turn through Kysely.
 */
function sqliteToken(sqlite: Sqlite.Database, queryToken: () => Promise<string>): () => Promise<string> {
  const generation = sqlite.prepare('select value from change_generation where id = 1').pluck();
  return async () => {
    if (sqlite.inTransaction) return queryToken();
    try {
      return String(generation.get());
    } catch (err) {
      if (!isBusy(err)) throw err;
      return queryToken(); // waits for the lock between turns
    }
  };
}

/** A truncating checkpoint, waiting between turns while other connections' readers or writer hold it up. */
async function truncateLog(sqlite: Sqlite.Database): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let busy: boolean;
    try {
      busy = (sqlite.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>)[0].busy !== 0;
    } catch (err) {
      if (!isBusy(err)) throw err;
      busy = true;
    }
    if (!busy || Date.now() >= deadline) return;
    await delay(1);
  }
}

/** How long a statement waits for another process's write lock before it fails with SQLITE_BUSY. */
const LOCK_WAIT_MS = 5000;

/**
 * Kysely's better-sqlite3 dialect with transactions that begin IMMEDIATE: they take the write lock up front,
 * so writers in several processes wait for each other (WaitingSqliteConnection) instead of failing when a
 * read lock cannot be upgraded. Whatever wrote to the database (a transaction or a single statement)
 * returns only once `sync` has made it durable, after the connection is free for the next caller.
 */
class DurableSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: Sqlite.Database,
    private readonly sync: () => Promise<void>,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(this.sqlite, this.sync);
  }
}

class DurableSqliteDriver extends SqliteDriver {
  /** rows this connection has changed since it opened: it moves when something was written */
  readonly #totalChanges: Sqlite.Statement;
  #changesSeen = 0;
  #connection: WaitingSqliteConnection | undefined;

  constructor(
    private readonly sqlite: Sqlite.Database,
    private readonly sync: () => Promise<void>,
  ) {
    super({ database: sqlite });
    this.#totalChanges = sqlite.prepare('select total_changes()').pluck();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return (this.#connection ??= new WaitingSqliteConnection(connection, this.sqlite));
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async releaseConnection(): Promise<void> {
    const changes = this.#totalChanges.get() as number;
    const wrote = changes !== this.#changesSeen;
    this.#changesSeen = changes;
    await super.releaseConnection();
    if (wrote) await this.sync();
  }
}

/**
 * A statement that finds the database locked by another process's writer (SQLITE_BUSY) is tried again a
 * millisecond later, so the event loop serves other requests meanwhile. Only outside a transaction: inside
 * one, BEGIN IMMEDIATE already holds the write lock.
 */
class WaitingSqliteConnection implements DatabaseConnection {
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly sqlite: Sqlite.Database,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        return await this.connection.executeQuery<R>(query);
      } catch (err) {
        if (!isBusy(err) || this.sqlite.inTransaction || Date.now() >= deadline) throw err;
        await delay(1);
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.connection.streamQuery<R>(query, chunkSize);
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

/** SQLite's database was locked by another connection (SQLITE_BUSY and its extended codes). */
export function isBusy(err: unknown): boolean {
  return (err as { code?: string } | null)?.code?.startsWith('SQLITE_BUSY') === true;
}

/** True when a write failed on a primary-key or unique constraint (both dialects). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
