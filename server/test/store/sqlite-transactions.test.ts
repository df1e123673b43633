// SQLite transactions begin IMMEDIATE (store/db.ts): a transaction holds the database's write lock from its
// first statement, so a writer in another process waits for it (busy_timeout) instead of failing when its
// read lock cannot be upgraded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { openStore } from '../../src/store/db.ts';
import { tempDir } from './dialects.ts';

test('a transaction holds the write lock from its start, even before it writes', async () => {
  const path = join(tempDir(), 'coffer.db');
  const store = await openStore({ kind: 'sqlite', path });
  // Another process's connection, which does not wait for a lock.
  const other = new Sqlite(path, { timeout: 0 });
  const tryWrite = () => other.prepare('begin immediate').run() && other.prepare('rollback').run();
  try {
    tryWrite(); // the lock is free
    await store.db.transaction().execute(async (tx) => {
      await tx.selectFrom('accounts').selectAll().execute();
      assert.throws(tryWrite, { code: 'SQLITE_BUSY' });
    });
    tryWrite(); // free again after the commit
  } finally {
    other.close();
    await store.close();
  }
});
