import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDataKeyCache } from './data-key-cache.ts';

function setup(openedBudget = 1024) {
  let t = 1_000_000;
  const cache = createDataKeyCache({ ttlMs: 60_000, maxEntries: 3, openedBudget, now: () => t });
  const opens: Buffer[] = [];
  // A stand-in cipher: the "value" is the sealed bytes with the key's first byte added to each.
  const open = (sealed: Buffer) => (key: Buffer) => {
    opens.push(Buffer.from(key));
    return Buffer.from(sealed.map((b) => b + key[0]));
  };
  return { cache, opens, open, advance: (ms: number) => (t += ms), now: () => t };
}

const blob = Buffer.from('wrapped-key');
const copy = (value: Buffer) => Buffer.from(value);

test('a value is opened once per data key and sealed bytes; each caller reads its own copy', () => {
  const { cache, opens, open, now } = setup();
  cache.set('ctx', blob, 'key-1', Buffer.from([1, 1, 1]), now());
  const sealed = Buffer.from([10, 20]);
  const first = cache.opened(cache.get('ctx', blob)!, sealed, open(sealed), copy);
  first.fill(0);
  const second = cache.opened(cache.get('ctx', blob)!, sealed, open(sealed), copy);
  assert.deepEqual([...second], [11, 21], 'the kept value is not the copy the first caller wiped');
  assert.equal(opens.length, 1);
  assert.deepEqual([...opens[0]], [1, 1, 1], 'open gets the data key');

  const other = Buffer.from([30]);
  assert.deepEqual([...cache.opened(cache.get('ctx', blob)!, other, open(other), copy)], [31], 'other sealed bytes are opened, not answered from what is kept');
  assert.equal(opens.length, 2);
});

test('read gets the bytes at once: freshly opened ones are wiped right after it, kept ones stay with the entry', () => {
  const { cache, open, now } = setup(1);
  cache.set('ctx', blob, 'key-1', Buffer.from([1]), now());
  const big = Buffer.from([10, 20]); // over the budget of 1 byte: opened each time, never kept
  let shown: Buffer | undefined;
  assert.equal(cache.opened(cache.get('ctx', blob)!, big, open(big), (value) => ((shown = value), value.toString('hex'))), '0b15');
  assert.deepEqual([...shown!], [0, 0], 'a value that is not kept is wiped once read has copied it');

  const small = Buffer.from([30]);
  const entry = cache.get('ctx', blob)!;
  cache.opened(entry, small, open(small), copy);
  let keptShown: Buffer | undefined;
  assert.equal(cache.opened(entry, small, open(small), (value) => ((keptShown = value), value[0])), 31);
  assert.deepEqual([...keptShown!], [31], 'the kept value is not wiped by a read');
  cache.drop();
  assert.deepEqual([...keptShown!], [0], '... but is when its entry goes');
});

test('an entry is found only by its context and blob, and not after it expires', () => {
  const { cache, advance, now } = setup();
  cache.set('ctx', blob, 'key-1', Buffer.from([1]), now());
  assert.ok(cache.get('ctx', blob));
  assert.equal(cache.get('other', blob), undefined);
  assert.equal(cache.get('ctx', Buffer.from('another-key')), undefined);
  advance(60_000);
  assert.equal(cache.get('ctx', blob), undefined);
});

test('expired, dropped, replaced and evicted entries are wiped: key and opened value', () => {
  const { cache, open, advance, now } = setup();
  const sealed = Buffer.from([5]);
  const held = (context: string, keyId: string) => {
    cache.set(context, blob, keyId, Buffer.from([7, 7]), now());
    const entry = cache.get(context, blob)!;
    cache.opened(entry, sealed, open(sealed), copy);
    return { key: entry.plaintext, value: entry.opened!.value };
  };
  const wiped = (h: { key: Buffer; value: Buffer }) => h.key.every((b) => b === 0) && h.value.every((b) => b === 0);

  const dropped = held('a', 'key-1');
  const kept = held('b', 'key-2');
  cache.drop('key-1');
  assert.ok(wiped(dropped), 'drop(keyId) wipes that key entries');
  assert.ok(!wiped(kept), 'and only those');

  const replaced = held('b', 'key-2');
  held('b', 'key-2');
  assert.ok(wiped(replaced), 'an entry set again wipes the one it replaces');

  const expired = held('c', 'key-3');
  advance(60_000);
  cache.sweep();
  assert.ok(wiped(expired), 'the sweep wipes what expired, without a read');
  assert.equal(cache.get('c', blob), undefined);
  assert.equal(cache.stats().entries, 0);
  assert.equal(cache.stats().openedBytes, 0);

  const first = held('d', 'key-4');
  held('e', 'key-4');
  held('f', 'key-4');
  held('g', 'key-4');
  assert.ok(wiped(first), 'a full cache is emptied (and wiped) before the next entry');
  assert.equal(cache.stats().entries, 1);
});

test('opened values are kept only within the byte budget', () => {
  const { cache, opens, open, now } = setup(4);
  cache.set('small', blob, 'key-1', Buffer.from([1]), now());
  cache.set('large', blob, 'key-1', Buffer.from([1]), now());
  const small = Buffer.from([1, 2, 3]);
  const large = Buffer.from([1, 2, 3, 4, 5]);
  for (let i = 0; i < 2; i++) {
    cache.opened(cache.get('small', blob)!, small, open(small), copy);
    cache.opened(cache.get('large', blob)!, large, open(large), copy);
  }
  assert.equal(opens.length, 3, 'the small value is kept, the one past the budget opened each time');
  assert.equal(cache.stats().openedBytes, 3);
});
