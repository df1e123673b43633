import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { createEventIds } from './event-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('an event id is a UUID of version 7 and variant 10 whose first 48 bits are the time in ms', () => {
  const time = Date.UTC(2026, 10, 28, 2, 3, 4, 567);
  const next = createEventIds({ now: () => time, randomFill: randomFillSync });
  const id = next();
  assert.match(id, UUID_V7);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), time);
});

test('ids are strictly increasing: within a millisecond, across one, and when the clock steps back', () => {
  let time = 1_800_000_000_000;
  const next = createEventIds({ now: () => time, randomFill: randomFillSync });
  const ids: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    if (i % 3000 === 2999) time += 1;
    if (i === 7000) time -= 5;
    ids.push(next());
  }
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]} at ${i}`);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, UUID_V7);
});

test('more ids in one millisecond than the counter holds borrow the next millisecond', () => {
  const time = 1_800_000_000_000;
  // All-zero randomness: the counter starts at 0, so the 4097th id is the first past it.
  const next = createEventIds({ now: () => time, randomFill: (b) => b.fill(0) });
  for (let i = 0; i < 4096; i++) next();
  const id = next();
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), time + 1);
  assert.equal(id, '01a3185c-5001-7000-8000-000000000000');
});

test('the random bits come from the injected source, a pool refilled as it runs out', () => {
  let fills = 0;
  const next = createEventIds({ now: () => 0, randomFill: (b) => { fills++; return b.fill(0xff); } });
  const first = next();
  assert.equal(first, '00000000-0000-77ff-bfff-ffffffffffff');
  for (let i = 0; i < 1000; i++) next();
  assert.equal(fills, 3);
});
