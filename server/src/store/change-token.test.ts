// The SQLite change token the read caches trust: it must move for every write to data they cache, by this
// connection or another (another worker process), and stay put for other connections' audit appends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from './db.ts';

/** The token as a request in a later turn of the event loop sees it. */
async function nextTurnToken(store: Store): Promise<string> {
  await new Promise((resolve) => setImmediate(resolve));
  return store.changeToken!();
}

function auditSegment(firstSeq: number) {
  return { first_seq: firstSeq, event_count: 1, min_time: 1, max_time: 1, prev_hash: 'p', hash: 'h', layout: Buffer.alloc(32), hashes: 'h', texts: Buffer.alloc(0) };
}

test('another connection: audit appends leave the token alone; writes to cached tables, in a transaction or not, move it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'change-token-'));
  const path = join(dir, 'db.sqlite');
  const reader = await openStore({ kind: 'sqlite', path });
  const writer = await openStore({ kind: 'sqlite', path });
  try {
    const start = await nextTurnToken(reader);
    await writer.db.transaction().execute((tx) => tx.insertInto('audit_segments').values([auditSegment(1), auditSegment(2)]).execute());
    assert.equal(await nextTurnToken(reader), start, 'an audit append by another connection must not empty the read caches');

    await writer.db.insertInto('accounts').values({ account_id: '111122223333', created_at: 1 } as never).execute();
    const afterAutocommit = await nextTurnToken(reader);
    assert.notEqual(afterAutocommit, start, 'a single-statement write by another connection must move the token');

    await writer.db.transaction().execute((tx) => tx.updateTable('accounts').set({ created_at: 2 } as never).execute());
    const afterTransaction = await nextTurnToken(reader);
    assert.notEqual(afterTransaction, afterAutocommit, 'a transaction writing a cached table must move the token');

    await writer.db.transaction().execute(async (tx) => {
      await tx.updateTable('accounts').set({ created_at: 3 } as never).execute();
      throw new Error('roll back');
    }).catch(() => {});
    assert.equal(await nextTurnToken(reader), afterTransaction, 'a rolled-back write changes nothing');
  } finally {
    await reader.close();
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("this connection's own writes move its token within the same turn", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'change-token-'));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'db.sqlite') });
  try {
    const before = store.changeToken!();
    await store.db.insertInto('accounts').values({ account_id: '111122223333', created_at: 1 } as never).execute();
    assert.notEqual(store.changeToken!(), before);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
