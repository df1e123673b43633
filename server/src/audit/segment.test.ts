// A stored batch: its events come back as they went, chained per event, and every kind of edit is found and
// named by the first event it touches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PendingEvent } from './audit-trail.ts';
import { GENESIS } from './hash-chain.ts';
import { packBatch } from './packed-batch.ts';
import { buildSegment, segmentEvents, verifySegment } from './segment.ts';

const event = (i: number): PendingEvent => ({
  eventId: `0190a1b2-c3d4-7e5f-8a6b-${String(i).padStart(12, '0')}`,
  time: 1_790_000_000_000 + ((i * 7) % 5),
  accountId: '111122223333',
  eventName: i % 2 ? 'GetSecretValue' : 'PutSecretValue',
  principalArn: i % 3 === 0 ? null : 'arn:aws:iam::111122223333:user/ana',
  resourceArn: i % 4 === 0 ? null : `arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-${i}-AbCdEf`,
  record: JSON.stringify({ v: 2, n: i, ua: i % 5 === 0 ? 'ua/1 é ✓ 😀' : 'ua/1', pad: 'x'.repeat(i * 300) }),
});
const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => event(from + i));

test('a batch comes back as events with consecutive seqs, each linked to the one before', () => {
  const events = batch(0, 150);
  const segment = buildSegment(packBatch(events), 41, GENESIS);
  assert.deepEqual([segment.first_seq, segment.event_count, segment.prev_hash], [41, 150, GENESIS]);
  assert.deepEqual([segment.min_time, segment.max_time], [1_790_000_000_000, 1_790_000_000_004]);
  const stored = segmentEvents(segment);
  assert.deepEqual(
    stored.map((e) => ({ eventId: e.event_id, time: e.event_time, accountId: e.account_id, eventName: e.event_name, principalArn: e.principal_arn, resourceArn: e.resource_arn, record: e.record })),
    events,
  );
  assert.deepEqual(stored.map((e) => e.seq), events.map((_, i) => 41 + i));
  for (let i = 1; i < stored.length; i++) assert.equal(stored[i].prev_hash, stored[i - 1].hash);
  assert.equal(stored.at(-1)!.hash, segment.hash);
  assert.deepEqual(verifySegment(segment, GENESIS), { head: segment.hash });
});

test('two batches chain: the second verifies only after the first', () => {
  const first = buildSegment(packBatch(batch(0, 3)), 1, GENESIS);
  const second = buildSegment(packBatch(batch(3, 2)), 4, first.hash);
  assert.deepEqual(verifySegment(second, verifySegment(first, GENESIS).head), { head: second.hash });
  // With the first batch deleted, the second's link no longer matches: its first event is named.
  const problem = verifySegment(second, GENESIS).problem!;
  assert.deepEqual([problem.seq, problem.eventId], [4, event(3).eventId]);
  assert.match(problem.problem, /deleted/);
});

test('an edit of any event field, seq, time, length, hash or the head is found and named', () => {
  const segment = buildSegment(packBatch(batch(0, 6)), 10, GENESIS);
  const expectBad = (edited: typeof segment, seq: number, pattern: RegExp) => {
    const { problem } = verifySegment(edited, GENESIS);
    assert.ok(problem, 'the edit was not found');
    assert.equal(problem.seq, seq);
    assert.match(problem.problem, pattern);
  };
  const third = segmentEvents(segment)[2];
  // A field of the third event rewritten in place (same length, so the layout still fits).
  const text = segment.texts.toString('utf8');
  const at = text.indexOf(third.record);
  const edited = text.slice(0, at) + third.record.replace('"v":2', '"v":3') + text.slice(at + third.record.length);
  expectBad({ ...segment, texts: Buffer.from(edited) }, 12, /edited/);
  // A principal moved between two fields by changing two lengths (the text untouched).
  const layout = Buffer.from(segment.layout);
  layout.writeInt32LE(layout.readInt32LE((2 * 6 + 3) * 4) - 1, (2 * 6 + 3) * 4);
  layout.writeInt32LE(layout.readInt32LE((2 * 6 + 5) * 4) + 1, (2 * 6 + 5) * 4);
  expectBad({ ...segment, layout }, 12, /edited/);
  // A time changed (its range kept), the batch renumbered, an event's stored hash replaced.
  const times = Buffer.from(segment.layout);
  times.writeDoubleLE(segment.min_time, 6 * 6 * 4 + 4 * 8);
  if (times.equals(segment.layout)) times.writeDoubleLE(segment.max_time, 6 * 6 * 4 + 4 * 8);
  expectBad({ ...segment, layout: times }, 14, /edited/);
  expectBad({ ...segment, first_seq: 11 }, 11, /edited/);
  expectBad({ ...segment, hashes: segment.hashes.slice(0, 64) + 'f'.repeat(64) + segment.hashes.slice(128) }, 11, /edited/);
  // The columns outside the chain's hashes: the count, the time range, the head.
  expectBad({ ...segment, event_count: 5 }, 10, /layout/);
  expectBad({ ...segment, max_time: segment.max_time + 1 }, 10, /time range/);
  expectBad({ ...segment, hash: 'f'.repeat(64) }, 15, /head hash/);
  // Text cut short: the first event's fields are no longer its own.
  expectBad({ ...segment, texts: segment.texts.subarray(1) }, 10, /edited/);
  // Text added at the end: every event checks out, the lengths do not add up to the text.
  expectBad({ ...segment, texts: Buffer.concat([segment.texts, Buffer.from('x')]) }, 15, /layout/);
});
