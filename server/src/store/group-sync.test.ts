import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupSync, walFlush } from './group-sync.ts';

/** A flush the test finishes by hand, recording when each one started and ended. */
function manualFlush() {
  const events: string[] = [];
  const pending: Array<() => void> = [];
  let started = 0;
  const flush = () =>
    new Promise<void>((resolve) => {
      const n = ++started;
      events.push(`start ${n}`);
      pending.push(() => {
        events.push(`end ${n}`);
        resolve();
      });
    });
  const finishNext = async () => {
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { flush, events, finishNext, started: () => started };
}

test('callers during a running flush share one later flush, never the running one', async () => {
  const f = manualFlush();
  const sync = groupSync(f.flush);
  const done: string[] = [];
  const first = sync().then(() => done.push('first'));
  // these commit while flush 1 runs: it may have begun before them
  const late = [1, 2, 3].map((i) => sync().then(() => done.push(`late ${i}`)));
  assert.equal(f.started(), 1);
  await f.finishNext();
  await first;
  assert.deepEqual(done, ['first'], 'the late callers wait for the flush that starts after theirs');
  assert.equal(f.started(), 2, 'one flush for the three late callers');
  await f.finishNext();
  await Promise.all(late);
  assert.deepEqual(done.slice(1).sort(), ['late 1', 'late 2', 'late 3']);
  assert.deepEqual(f.events, ['start 1', 'end 1', 'start 2', 'end 2']);
  // idle again: the next caller starts its own flush at once
  const next = sync();
  assert.equal(f.started(), 3);
  await f.finishNext();
  await next;
});

test('a failed flush fails its callers, and the next callers get a new flush', async () => {
  let calls = 0;
  const sync = groupSync(async () => {
    if (++calls === 1) throw new Error('EIO');
  });
  await assert.rejects(sync(), /EIO/);
  await sync();
  assert.equal(calls, 2);
});

test('walFlush syncs an existing log and treats a missing one as already durable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-group-sync-'));
  try {
    const { writeFileSync } = await import('node:fs');
    await walFlush(join(dir, 'none.db'))();
    writeFileSync(join(dir, 'db.db-wal'), 'frames');
    await walFlush(join(dir, 'db.db'))();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
