// SQLite transactions begin IMMEDIATE (store/sqlite-driver.ts): a transaction holds the database's write lock
// from its first statement, so a writer in another process waits for it instead of failing when its read lock
// cannot be upgraded; and it waits between event-loop turns, so reads go on meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { openStore } from '../../src/store/db.ts';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { tempDir } from './dialects.ts';
import { startTestServer } from '../support/test-server.ts';

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

test("a write waiting for another process's write lock holds up neither reads nor timers", async () => {
  const path = join(tempDir(), 'coffer.db');
  const store = await openStore({ kind: 'sqlite', path });
  const other = new Sqlite(path, { timeout: 0 });
  try {
    other.prepare('begin immediate').run();
    let written = false;
    const writing = store.db.transaction().execute(async (tx) => {
      await tx.insertInto('meta').values({ key: 'probe', value: 'x' }).execute();
    }).then(() => (written = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const accounts = await store.db.selectFrom('accounts').selectAll().execute();
    assert.ok(Array.isArray(accounts));
    assert.equal(written, false, 'the write waits for the lock');
    other.prepare('rollback').run();
    await writing;
    assert.equal(written, true);
    assert.equal(other.prepare(`select value from meta where key = 'probe'`).pluck().get(), 'x');
  } finally {
    other.close();
    await store.close();
  }
});

// A version's first read of the day records its LastAccessedDate, a write. When another process holds the
// write lock past the busy timeout, the read still answers (no 5xx) and leaves the date to the next read.
test('a read answers while another process holds the write lock; its access date waits for the next read', { timeout: 60_000 }, async () => {
  const dataDir = tempDir();
  const server = await startTestServer({ dataDir });
  const other = new Sqlite(join(dataDir, 'coffer.db'), { timeout: 0 });
  try {
    const sm = server.client();
    await sm.send(new CreateSecretCommand({ Name: 'locked/read', SecretString: 'still readable' }));
    other.prepare('begin immediate').run();
    try {
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'locked/read' }))).SecretString, 'still readable');
      assert.equal(other.prepare(`select last_accessed_at from secrets where name = 'locked/read'`).pluck().get(), null);
    } finally {
      other.prepare('rollback').run();
    }
    await sm.send(new GetSecretValueCommand({ SecretId: 'locked/read' }));
    assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: 'locked/read' }))).LastAccessedDate, 'recorded by the next read');
  } finally {
    other.close();
    await server.close();
  }
});
