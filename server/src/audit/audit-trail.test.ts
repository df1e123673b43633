// The trail's batching (a busy server writes full batches, not one transaction per event past the batch size),
// changes waiting for their events (and told when those cannot be stored), a trail that goes on from events
// stored a row each, and a batch appended again after a lost answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync, randomUUID } from 'node:crypto';
import { openStore, type Store } from '../store/db.ts';
import { createAuditTrail } from './audit-trail.ts';
import { createEventIds } from './event-id.ts';
import { chainHash, GENESIS } from './hash-chain.ts';
import { allEvents } from './audit-store.ts';
import { readStored } from './stored-event.ts';
import type { AuditRecord } from '../protocol/pipeline.ts';

const caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAEXAMPLE', region: 'us-east-1' };
/** A trail on a fresh SQLite store in a temporary directory, removed afterwards. */
async function withTrail(run: (trail: ReturnType<typeof createAuditTrail>, store: Store) => Promise<void>, storeFor: (store: Store) => Store = (s) => s): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-trail-'));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'db.sqlite') });
  try {
    const trail = createAuditTrail({ store: storeFor(store), now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: () => {} } });
    await run(trail, store);
    await trail.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const read = (i: number): AuditRecord => ({ requestId: randomUUID(), service: 'secretsmanager', operation: 'GetSecretValue', caller, request: { SecretId: `s-${i}` } });

test('events arriving while a batch is written wait for the next batch instead of each starting a transaction', async () => {
  let transactions = 0;
  const counting = (store: Store): Store => ({
    ...store,
    db: new Proxy(store.db, {
      get(target, property) {
        if (property === 'transaction') return () => (transactions++, target.transaction());
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  });
  await withTrail(async (trail) => {
    // 2,500 reads, each after a pause that lets a write in progress move on a step, as requests arrive
    // while a batch is being written to PostgreSQL.
    for (let i = 0; i < 2500; i++) {
      trail.sink.record(read(i));
      await Promise.resolve();
    }
    await trail.flush();
    const verification = await trail.verify();
    assert.equal(verification.valid, true);
    assert.equal(verification.eventsChecked, 2500);
    // Two full batches plus the rest; a transaction per event past the batch size would be hundreds.
    assert.ok(transactions <= 5, `expected a handful of write transactions, saw ${transactions}`);
  }, counting);
});

const change = (i: number): AuditRecord => ({ requestId: randomUUID(), service: 'secretsmanager', operation: 'PutSecretValue', caller, request: { SecretId: `s-${i}` }, response: () => ({ Name: `s-${i}` }) });

/** The request ids of the events in the table itself (no flush first). */
async function storedRequestIds(store: Store): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of allEvents(store.db)) ids.push(readStored(row).event.requestID as string);
  return ids;
}

test("a change's promise resolves once its event is stored, with the changes of the same turn in one transaction; reads and failures do not wait", async () => {
  let transactions = 0;
  const counting = (store: Store): Store => ({ ...store, db: new Proxy(store.db, { get: (target, p) => (p === 'transaction' ? () => (transactions++, target.transaction()) : Reflect.get(target, p, target)) }) });
  await withTrail(async (trail, store) => {
    const reads = [read(1), read(2)];
    assert.deepEqual(reads.map((r) => trail.sink.record(r)), [undefined, undefined], 'a read does not wait');
    assert.equal(trail.sink.record({ ...change(0), error: { code: 'ResourceNotFoundException', message: 'not found' } }), undefined, 'a failed call changed nothing: no wait');
    const changes = [change(1), change(2), change(3)];
    await Promise.all(changes.map((c) => trail.sink.record(c)));
    const stored = await storedRequestIds(store);
    assert.deepEqual(changes.filter((c) => !stored.includes(c.requestId)), [], 'every change is stored when its promise resolves');
    assert.equal(transactions, 1, 'the three changes (and what was queued before them) went in one transaction');
  }, counting);
});

test("a change whose event cannot be stored is told so (its event stays queued and is stored later); a closed trail refuses changes", async () => {
  let down = true;
  const flaky = (store: Store): Store => ({
    ...store,
    db: new Proxy(store.db, {
      get(target, property) {
        if (property === 'transaction' && down) return () => ({ execute: () => Promise.reject(new Error('the database is unreachable')) });
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  });
  await withTrail(async (trail, store) => {
    const first = change(1);
    await assert.rejects(trail.sink.record(first) as Promise<void>, /could not be stored/);
    assert.deepEqual(await storedRequestIds(store), []);
    down = false;
    const second = change(2);
    await trail.sink.record(second);
    assert.deepEqual(await storedRequestIds(store), [first.requestId, second.requestId], 'the queued event went in first, then the new one');
    await trail.close();
    await assert.rejects(trail.sink.record(change(3)) as Promise<void>, /closed/);
    assert.equal(trail.sink.record(read(3)), undefined, 'a read after close is dropped quietly, as before');
  }, flaky);
});

const pending = (i: number) => ({
  eventId: `0190a1b2-c3d4-7e5f-8a6b-${String(i).padStart(12, '0')}`,
  time: 1_790_000_000_000 + i,
  accountId: '111122223333',
  eventName: i % 2 ? 'GetSecretValue' : 'PutSecretValue',
  principalArn: caller.arn,
  resourceArn: null,
  record: `{"v":2,"s":"secretsmanager","rid":"r-${i}"}`,
});

test('a trail stored a row per event (before batches) goes on into batches: one chain, one lookup', async () => {
  await withTrail(async (trail, store) => {
    // Three events as an earlier Coffer stored them, a row each, chained by hash-chain.ts.
    let prev = GENESIS;
    for (let seq = 1; seq <= 3; seq++) {
      const p = pending(seq);
      const row = { seq, event_id: p.eventId, event_time: p.time, account_id: p.accountId, event_name: p.eventName, principal_arn: p.principalArn, resource_arn: p.resourceArn, record: p.record, prev_hash: prev, hash: '' };
      row.hash = prev = chainHash(prev, row);
      await store.db.insertInto('audit_events').values(row).execute();
    }
    await trail.write([pending(4), pending(5)]);
    await trail.write([pending(6)]);
    const verification = await trail.verify();
    assert.deepEqual([verification.valid, verification.eventsChecked], [true, 6]);
    const all = await trail.lookup({ limit: 100 });
    assert.deepEqual(all.map((e) => [e.seq, e.event_id]), [6, 5, 4, 3, 2, 1].map((i) => [i, pending(i).eventId]), 'newest first');
    assert.equal(all[2].prev_hash, all[3].hash, 'the first batch links to the last row');
    // Filters and pages across both: before seq 6, PutSecretValue only (events 4 and 2), two at a time.
    assert.deepEqual((await trail.lookup({ beforeSeq: 6, eventName: 'PutSecretValue', limit: 2 })).map((e) => e.seq), [4, 2]);
    assert.deepEqual((await trail.lookup({ beforeSeq: 5, limit: 2 })).map((e) => e.seq), [4, 3], 'a page from the batches into the rows');
    assert.deepEqual((await trail.lookup({ beforeSeq: 3, limit: 5 })).map((e) => e.seq), [2, 1]);
    assert.deepEqual((await trail.lookup({ from: pending(5).time, to: pending(5).time, limit: 10 })).map((e) => e.seq), [5]);
    assert.deepEqual(await trail.lookup({ accountId: '999988887777', limit: 10 }), []);
  });
});

test("a worker's batch appended again (its primary's answer lost) adds only the events not stored yet", async () => {
  await withTrail(async (trail) => {
    await trail.write([pending(1), pending(2)]);
    await trail.write([pending(1), pending(2), pending(3)], true);
    await trail.write([pending(3)], true);
    const all = await trail.lookup({ limit: 100 });
    assert.deepEqual(all.map((e) => e.event_id), [3, 2, 1].map((i) => pending(i).eventId));
    assert.equal((await trail.verify()).valid, true);
  });
});
