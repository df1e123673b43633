// Kysely's driver for SQLite, shaped so that a server's reads never wait for its writes:
// - a read connection answers every statement that only reads, outside a transaction: it sees the last
//   committed state (WAL), whatever the write connection is doing;
// - the write connection runs transactions and single writing statements, one at a time in this process.
//   Transactions begin IMMEDIATE: they take the database's write lock up front, so writers in several processes
//   wait for each other instead of failing when a read lock cannot be upgraded;
// - neither connection has a busy timeout, which would sleep on the event loop while another process holds the
//   lock: a statement that finds the database locked is tried again a millisecond later, between turns;
// - whatever wrote returns only once `sync` has made it durable (group-sync.ts), after the write connection is
//   free for the next writer.
import { setTimeout as delay } from 'node:timers/promises';
import type Sqlite from 'better-sqlite3';
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult } from 'kysely';

/** How long a statement waits for another process's write lock before it fails with SQLITE_BUSY. */
export const LOCK_WAIT_MS = 5000;

export interface SqliteConnections {
  /** the same as `writer` for an in-memory database (a second connection would open another database) */
  reader: Sqlite.Database;
  writer: Sqlite.Database;
  /** makes every commit so far durable (group-sync.ts) */
  sync: () => Promise<void>;
}

/** SQLite's database was locked by another connection (SQLITE_BUSY and its extended codes). */
export function isBusy(err: unknown): boolean {
  return (err as { code?: string } | null)?.code?.startsWith('SQLITE_BUSY') === true;
}

/** Runs `statement`, again a millisecond later each time another connection holds the lock it needs. */
export async function whenUnlocked<T>(statement: () => T): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return statement();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      await delay(1);
    }
  }
}

export class SqliteDriver implements Driver {
  readonly #writer: Writer;

  constructor(private readonly db: SqliteConnections) {
    const changes = db.writer.prepare('select total_changes()').pluck();
    this.#writer = { turns: new Turns(), totalChanges: () => changes.get() as number };
  }

  async init(): Promise<void> {}

  /** A session per caller: it holds the write connection only while it has a transaction open. */
  async acquireConnection(): Promise<DatabaseConnection> {
    return new Session(this.db, this.#writer);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as Session).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as Session).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as Session).rollback();
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    this.db.reader.close();
    this.db.writer.close();
  }
}

/** The write connection's turns, and a count that moves whenever it writes (rows changed since it opened). */
interface Writer {
  turns: Turns;
  totalChanges(): number;
}

class Session implements DatabaseConnection {
  #inTransaction = false;
  #changesAtBegin = 0;

  constructor(
    private readonly db: SqliteConnections,
    private readonly writer: Writer,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#inTransaction) return run<R>(this.db.writer.prepare(query.sql), query);
    if (this.db.reader !== this.db.writer) {
      const statement = this.db.reader.prepare(query.sql);
      if (statement.readonly) return whenUnlocked(() => run<R>(statement, query));
    }
    // A write, or any statement on a single connection: a turn on the write connection; a write then waits for the disk.
    await this.writer.turns.take();
    let result: QueryResult<R>;
    let changes: number;
    try {
      const before = this.writer.totalChanges();
      result = await whenUnlocked(() => run<R>(this.db.writer.prepare(query.sql), query));
      changes = this.writer.totalChanges() - before;
    } finally {
      this.writer.turns.give();
    }
    if (changes > 0) await this.db.sync();
    return result;
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const connection = this.#inTransaction ? this.db.writer : this.db.reader;
    for (const row of connection.prepare(query.sql).iterate(query.parameters as unknown[])) yield { rows: [row as R] };
  }

  async begin(): Promise<void> {
    await this.writer.turns.take();
    try {
      await whenUnlocked(() => this.db.writer.exec('begin immediate'));
    } catch (err) {
      this.writer.turns.give();
      throw err;
    }
    this.#inTransaction = true;
    this.#changesAtBegin = this.writer.totalChanges();
  }

  async commit(): Promise<void> {
    const wrote = this.writer.totalChanges() > this.#changesAtBegin;
    this.db.writer.exec('commit'); // on failure Kysely rolls back, which ends the turn
    this.#end();
    if (wrote) await this.db.sync();
  }

  async rollback(): Promise<void> {
    try {
      if (this.db.writer.inTransaction) this.db.writer.exec('rollback');
    } finally {
      this.#end();
    }
  }

  #end(): void {
    this.#inTransaction = false;
    this.writer.turns.give();
  }
}

function run<R>(statement: Sqlite.Statement, query: CompiledQuery): QueryResult<R> {
  const parameters = query.parameters as unknown[];
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** Callers take turns, in the order they asked. */
class Turns {
  #last: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  async take(): Promise<void> {
    const previous = this.#last;
    let release!: () => void;
    this.#last = new Promise((resolve) => (release = resolve));
    await previous;
    this.#release = release;
  }

  give(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}
