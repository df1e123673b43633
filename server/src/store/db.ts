// Opens the store: Kysely over better-sqlite3 (embedded default, also in-memory for --dev) or over pg.
// Dialect differences live here and in the column types handed to migrations, nowhere else.
import { closeSync, openSync } from 'node:fs';
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
  type Migration,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.ts';
import * as initial from './migrations/001-initial.ts';
import * as kms from './migrations/002-kms.ts';
import * as access from './migrations/003-access.ts';
import * as rotation from './migrations/004-rotation.ts';
import * as auditSegments from './migrations/005-audit-segments.ts';

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
}

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Locks a row for the rest of the transaction on PostgreSQL; SQLite transactions are already serial. */
  forUpdate: boolean;
  /**
   * A value that changes whenever anything in the database may have changed, by this process or another;
   * read caches compare it before trusting what they hold. Only SQLite has one this cheap; undefined on
   * PostgreSQL, where reads are not cached.
   */
  changeToken?: () => string;
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

const columnTypes: Record<Dialect, ColumnTypes> = {
  sqlite: { blob: 'blob', time: 'integer', serial: 'integer', autoIncrement: (c) => c.autoIncrement() },
  postgres: { blob: 'bytea', time: 'bigint', serial: 'serial', autoIncrement: (c) => c },
};

const migrations: Array<[string, (db: Kysely<unknown>, types: ColumnTypes) => Promise<void>]> = [
  ['001-initial', initial.up],
  ['002-kms', kms.up],
  ['003-access', access.up],
  ['004-rotation', rotation.up],
  ['005-audit-segments', auditSegments.up],
];

export async function openStore(location: StoreLocation): Promise<Store> {
  const dialect: Dialect = location.kind;
  let db: Db;
  let changeToken: (() => string) | undefined;
  let trackGeneration: (() => void) | undefined;
  let scrub = async (): Promise<void> => {};
  if (location.kind === 'sqlite') {
    // Owner-only from the start: SQLite gives its -wal and -shm files the database file's permissions.
    if (location.path !== ':memory:') closeSync(openSync(location.path, 'a', 0o600));
    const sqlite = new Sqlite(location.path);
    // WAL keeps readers off the writer's back; synchronous=FULL makes every commit durable even
    // against power loss, not only against kill -9.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // Deleted content is overwritten with zeros, so destroyed key material does not stay in free pages.
    sqlite.pragma('secure_delete = ON');
    const statements = cachingStatements(sqlite);
    trackGeneration = statements.trackGeneration;
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
    // This connection's own writes are counted as they run (the audit log excepted: nothing caches it, and
    // counting its batched appends would empty every read cache once a second). Another connection's (another
    // worker process's) commit moves data_version; the token then follows the generation counter, which only
    // commits that write cached tables move, so other workers' audit appends leave the caches alone.
    // Both are read once per turn of the event loop: better-sqlite3 is synchronous, so within a turn only this
    // connection's own writes can land.
    const dataVersion = sqlite.prepare('pragma data_version').pluck();
    let seenVersion: unknown;
    let generation: unknown;
    let turnStarted = false;
    const endTurn = () => {
      turnStarted = false;
    };
    // The token's text is kept while neither part moves: the hot path asks for it several times per request.
    let token = '';
    let tokenGeneration: unknown;
    let tokenWrites = -1;
    changeToken = () => {
      if (!turnStarted) {
        turnStarted = true;
        setImmediate(endTurn);
        const version = dataVersion.get();
        if (version !== seenVersion) {
          seenVersion = version;
          generation = statements.generation();
        }
      }
      const writes = statements.localWrites();
      if (generation !== tokenGeneration || writes !== tokenWrites) {
        tokenGeneration = generation;
        tokenWrites = writes;
        token = `${generation}:${writes}`;
      }
      return token;
    };
    scrub = async () => {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    };
  } else {
    // BIGINT columns hold epoch milliseconds, well inside Number's exact range.
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: location.url, max: 10 });
    // An idle connection that PostgreSQL ends (restart, pg_terminate_backend, idle timeout) makes the pool
    // emit 'error'; without a listener that is an uncaught exception that kills the server. The pool has
    // already dropped the connection and opens a new one for the next query, so there is nothing to do.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  await migrate(db, dialect);
  trackGeneration?.();
  const lockTables = async (tx: Tx, tables: Array<keyof Database>): Promise<void> => {
    if (dialect === 'postgres') await sql`lock table ${sql.join(tables.map((t) => sql.table(t)))} in share row exclusive mode`.execute(tx);
  };
  return { db, dialect, forUpdate: dialect === 'postgres', changeToken, scrub, lockTables, close: () => db.destroy() };
}

/**
 * better-sqlite3 behind Kysely, with three changes. Prepared statements are cached by SQL text: preparing
 * costs more than running a small query, and the hot path runs the same few queries all the time.
 * Transactions begin IMMEDIATE: they take the write lock up front, so writers in several processes wait
 * for each other (busy_timeout) instead of failing with SQLITE_BUSY when a read lock cannot be upgraded.
 * A write to a cached table moves the generation counter in the same commit (other connections' read
 * caches follow it: see changeToken).
 */
function cachingStatements(sqlite: Sqlite.Database) {
  const statements = new Map<string, { statement: Sqlite.Statement; changesData: boolean; autocommit?: Sqlite.Statement }>();
  let writes = 0;
  let wroteInTransaction = false;
  // Prepared once the migrations have made the meta table and its row (trackGeneration).
  let bump: Sqlite.Statement | undefined;
  let readGeneration: Sqlite.Statement | undefined;
  const withBump = sqlite.transaction((run: () => unknown) => {
    const result = run();
    bump!.run();
    return result;
  });
  /** A write outside a transaction, run in one with the generation's move (Kysely calls all() or run()). */
  const bumping = (statement: Sqlite.Statement) =>
    ({
      reader: statement.reader,
      all: (...args: unknown[]) => withBump(() => statement.all(...args)),
      run: (...args: unknown[]) => withBump(() => statement.run(...args)),
    }) as unknown as Sqlite.Statement;
  return {
    close: () => sqlite.close(),
    /** How many data-changing statements this connection has run (Kysely runs each right after preparing it). */
    localWrites: () => writes,
    /** Starts moving the generation counter (its row exists from now on). */
    trackGeneration() {
      sqlite.prepare(`insert or ignore into meta (key, value) values ('${GENERATION_KEY}', '0')`).run();
      bump = sqlite.prepare(`update meta set value = cast(value as integer) + 1 where key = '${GENERATION_KEY}'`);
      readGeneration = sqlite.prepare(`select value from meta where key = '${GENERATION_KEY}'`).pluck();
    },
    /** The generation counter as committed (by any connection). */
    generation: (): unknown => readGeneration?.get(),
    prepare(text: string) {
      const sql = text === 'begin' ? 'begin immediate' : text;
      let entry = statements.get(sql);
      if (!entry) {
        const statement = sqlite.prepare(sql);
        entry = { statement, changesData: !statement.readonly && !TRANSACTION_CONTROL.test(sql) && !UNCACHED_TABLES.test(sql) };
        if (statements.size >= 500) statements.clear();
        statements.set(sql, entry);
      }
      if (sql === 'commit' && wroteInTransaction) bump!.run();
      if (sql === 'commit' || sql === 'rollback' || sql === 'begin immediate') wroteInTransaction = false;
      if (!entry.changesData) return entry.statement;
      writes++;
      if (!bump) return entry.statement;
      if (sqlite.inTransaction) {
        wroteInTransaction = true;
        return entry.statement;
      }
      return (entry.autocommit ??= bumping(entry.statement));
    },
  };
}

/** The meta row every commit that writes a cached table moves (SQLite). */
const GENERATION_KEY = 'change-generation';

const TRANSACTION_CONTROL = /^(begin|commit|rollback|savepoint|release)\b/i;
/** Append-only tables no read cache holds: writes to them do not move the change token. */
const UNCACHED_TABLES = /^insert into "audit_segments"/;

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
