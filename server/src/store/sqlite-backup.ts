// SQLite's side of backup and restore: an online copy of the database file with SQLite's backup API, and the
// checks a copy must pass before it is restored (the file is a database, undamaged, and Coffer's).
import { chmodSync, renameSync, rmSync, statSync } from 'node:fs';
import Sqlite from 'better-sqlite3';

/** The largest page count SQLite's backup step takes: the whole database in one step. */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the database at `source` to `dest` (owner-only, replaced atomically) while servers keep writing to it,
 * and checks the copy. The copy is taken in one step of the backup API, inside one read transaction: in WAL
 * mode that transaction sees one committed state and does not hold writers up (a copy made in small steps
 * would restart each time another process commits, and might never finish under load).
 */
export async function backupSqliteFile(source: string, dest: string): Promise<{ bytes: number; pages: number; rootKeyCheck: string }> {
  const partial = `${dest}.${process.pid}.partial`;
  const db = new Sqlite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const { totalPages } = await db.backup(partial, { progress: () => ALL_PAGES });
    chmodSync(partial, 0o600);
    selfContained(partial);
    const { rootKeyCheck } = checkSqliteFile(partial);
    renameSync(partial, dest);
    return { bytes: statSync(dest).size, pages: totalPages, rootKeyCheck };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

/**
 * Makes the copy one file: it carries the source's WAL mode in its header, which would make every connection
 * to it (the check below, a restore's) create -wal and -shm files beside it. A server opening the restored
 * file sets WAL mode again.
 */
function selfContained(path: string): void {
  const copy = new Sqlite(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** What is wrong with a database file that was to be restored (the message says what, never any content). */
export class SqliteFileError extends Error {}

/**
 * Checks that `path` is an undamaged SQLite database holding a Coffer store and returns its root-key check
 * value (meta.root_key_check, sealed by the root key the store is sealed with). Opens the file read-only.
 */
export function checkSqliteFile(path: string): { rootKeyCheck: string } {
  let db: Sqlite.Database;
  try {
    db = new Sqlite(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new SqliteFileError(`cannot open it as a SQLite database (${(err as Error).message})`);
  }
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
    } catch (err) {
      throw new SqliteFileError(`it is not a SQLite database or is damaged (${(err as Error).message})`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new SqliteFileError(`SQLite's integrity check failed: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`);
    }
    const hasMeta = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'meta'").get() !== undefined;
    const row = hasMeta ? (db.prepare("select value from meta where key = 'root_key_check'").get() as { value: string } | undefined) : undefined;
    if (!row) throw new SqliteFileError('it is a SQLite database but not a Coffer store (it has no root-key check value)');
    return { rootKeyCheck: row.value };
  } finally {
    db.close();
  }
}
