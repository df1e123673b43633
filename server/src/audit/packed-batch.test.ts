import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize, deserialize } from 'node:v8';
import { packBatch, unpackBatch } from './packed-batch.ts';
import type { PendingEvent } from './audit-trail.ts';

const event = (i: number): PendingEvent => ({
  eventId: `0190a1b2-c3d4-7e5f-8a6b-${String(i).padStart(12, '0')}`,
  time: 1_790_000_000_000 + i,
  accountId: i % 7 === 0 ? '' : '111122223333',
  eventName: 'GetSecretValue',
  principalArn: i % 3 === 0 ? null : 'arn:aws:iam::111122223333:user/ana',
  resourceArn: i % 5 === 0 ? null : `app/db-${i}`,
  // long enough to fill several texts; some records hold text outside Latin-1
  record: JSON.stringify({ n: i, userAgent: i % 4 === 0 ? 'ua/1 é ✓ 😀' : 'ua/1', pad: 'x'.repeat(i % 1500) }),
});

test('a batch comes back as it went, across several texts and through the V8 serialiser cluster IPC uses', () => {
  const batch = Array.from({ length: 300 }, (_, i) => event(i));
  const packed = packBatch(batch);
  assert.ok(packed.texts.length > 1, 'the batch spans several texts');
  assert.deepEqual(unpackBatch(deserialize(serialize(packed))), batch);
});

test('an empty batch and a one-event batch', () => {
  assert.deepEqual(unpackBatch(packBatch([])), []);
  assert.deepEqual(unpackBatch(packBatch([event(3)])), [event(3)]);
});
