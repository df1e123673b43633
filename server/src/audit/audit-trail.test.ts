// The trail's batching: a busy server writes full batches, not one transaction per event past the batch size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync, randomUUID } from 'node:crypto';
import { openStore } from '../store/db.ts';
import { createAuditTrail } from './audit-trail.ts';
import { createEventIds } from './event-id.ts';
import type { AuditRecord } from '../protocol/pipeline.ts';

const caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAEXAMPLE', region: 'us-east-1' };
const read = (i: number): AuditRecord => ({ requestId: randomUUID(), service: 'secretsmanager', operation: 'GetSecretValue', caller, request: { SecretId: `s-${i}` } });

test('events arriving while a batch is written wait for the next batch instead of each starting a transaction', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-trail-'));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'db.sqlite') });
  try {
    let transactions = 0;
    const db = store.db;
    const counting = new Proxy(db, {
      get(target, property) {
        if (property === 'transaction') return () => (transactions++, target.transaction());
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const trail = createAuditTrail({ store: { ...store, db: counting }, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: () => {} } });
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
    await trail.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
