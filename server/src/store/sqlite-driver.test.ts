// The SQLite driver through the store: writes durable in groups, reads on their own connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from './db.ts';

test('concurrent writes are acknowledged after shared fsyncs; reads never sync', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-group-commit-'));
  let syncs = 0;
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'coffer.db') }, { onSync: () => syncs++ });
  try {
    await sql`create table probe (n integer)`.execute(store.db);
    syncs = 0;
    const acknowledged: number[] = [];
    const syncsAtAck: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        store.db.transaction().execute(async (tx) => {
          await sql`insert into probe (n) values (${n})`.execute(tx);
        }).then(() => {
          acknowledged.push(n);
          syncsAtAck.push(syncs);
        }),
      ),
    );
    assert.equal(acknowledged.length, 20);
    assert.ok(syncsAtAck.every((s) => s >= 1), 'no write is acknowledged before an fsync has finished');
    assert.ok(syncs >= 1 && syncs < 20, `20 concurrent commits shared fsyncs (${syncs})`);
    const before = syncs;
    const rows = await sql<{ c: number }>`select count(*) as c from probe`.execute(store.db);
    assert.equal(rows.rows[0].c, 20);
    assert.equal(syncs, before, 'a read does not wait for the disk');
    await sql`insert into probe (n) values (99)`.execute(store.db);
    assert.equal(syncs, before + 1, 'a single-statement write is made durable too');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Inserts a row into `probe` (and moves the change token) in a transaction that stays open until `finish()`. */
async function openWrite(store: Store, moveToken: boolean): Promise<{ finish: () => void; writing: Promise<void> }> {
  let finish!: () => void;
  const held = new Promise<void>((resolve) => (finish = resolve));
  let inserted!: () => void;
  const insertDone = new Promise<void>((resolve) => (inserted = resolve));
  const writing = store.db.transaction().execute(async (tx) => {
    await sql`insert into probe (n) values (1)`.execute(tx);
    if (moveToken) await sql`update change_generation set value = value + 1 where id = 1`.execute(tx);
    inserted();
    await held;
  });
  await insertDone;
  return { finish, writing };
}

test('a read and the change token answer while a write transaction is open, showing only committed rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-two-connections-'));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'coffer.db') });
  try {
    await sql`create table probe (n integer)`.execute(store.db);
    const tokenBefore = await store.changeToken();
    const { finish, writing } = await openWrite(store, true);
    const count = async () => (await sql<{ c: number }>`select count(*) as c from probe`.execute(store.db)).rows[0].c;
    assert.equal(await count(), 0, 'the open transaction is not seen');
    assert.equal(await store.changeToken(), tokenBefore, 'nor its change to the token');
    finish();
    await writing;
    assert.equal(await count(), 1, 'once acknowledged, the write is read');
    assert.notEqual(await store.changeToken(), tokenBefore);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in memory (one connection), a read waits for the open transaction instead of seeing into it', async () => {
  const store = await openStore({ kind: 'sqlite', path: ':memory:' });
  try {
    await sql`create table probe (n integer)`.execute(store.db);
    const { finish, writing } = await openWrite(store, false);
    let readAnswered = false;
    const reading = sql<{ c: number }>`select count(*) as c from probe`.execute(store.db).then((r) => {
      readAnswered = true;
      return r.rows[0].c;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(readAnswered, false);
    finish();
    await writing;
    assert.equal(await reading, 1);
  } finally {
    await store.close();
  }
});
