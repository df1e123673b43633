import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadCache } from './read-cache.ts';

function setup(options: { maxRows?: number; maxDataKeys?: number } = {}) {
  let token = 'g1';
  let t = 1_000_000;
  const cache = createReadCache({ changeToken: async () => token, dataKeyTtlMs: 60_000, now: () => t, ...options });
  return { cache, setToken: (next: string) => (token = next), advance: (ms: number) => (t += ms) };
}

/** A loader that counts its calls and answers `value`. */
function loader<T>(value: T) {
  const load = async () => {
    load.calls += 1;
    return value;
  };
  load.calls = 0;
  return load;
}

test('a row is loaded once per change token: the same token answers from the cache, a new one loads again', async () => {
  const { cache, setToken } = setup();
  const load = loader({ name: 'row' });
  const first = await (await cache.view()).row(['secret', 'a'], load);
  assert.equal(await (await cache.view()).row(['secret', 'a'], load), first);
  assert.equal(load.calls, 1);
  await (await cache.view()).row(['secret', 'b'], load);
  assert.equal(load.calls, 2, 'another key is another row');

  setToken('g2');
  await (await cache.view()).row(['secret', 'a'], load);
  assert.equal(load.calls, 3, 'a write anywhere moved the token: the row is read again');
});

test("a view keeps the token it read: a row it caches after the token moved is not trusted by a later view", async () => {
  const { cache, setToken } = setup();
  const old = await cache.view();
  setToken('g2');
  const load = loader('value');
  await old.row(['k'], load);
  await (await cache.view()).row(['k'], load);
  assert.equal(load.calls, 2);
});

test('a failed load caches nothing', async () => {
  const { cache } = setup();
  const view = await cache.view();
  await assert.rejects(view.row(['k'], async () => Promise.reject(new Error('not found'))), /not found/);
  const load = loader('found');
  assert.equal(await view.row(['k'], load), 'found');
  assert.equal(load.calls, 1);
});

test('past maxRows the oldest row goes', async () => {
  const { cache } = setup({ maxRows: 2 });
  const view = await cache.view();
  const loads = ['a', 'b', 'c'].map((k) => [k, loader(k)] as const);
  for (const [k, load] of loads) await view.row([k], load);
  assert.deepEqual(cache.contents().rows, ['b', 'c']);
  await view.row(['a'], loads[0][1]);
  assert.equal(loads[0][1].calls, 2);
});

test('a kept data key is handed out as a copy, under its own context and blob only, until it expires', () => {
  const { cache, advance } = setup();
  const blob = Buffer.from('wrapped');
  cache.keepDataKey('ctx', blob, 'key-1', Buffer.from([1, 2, 3]));
  const copy = cache.dataKey('ctx', blob)!;
  copy.fill(0);
  assert.deepEqual([...cache.dataKey('ctx', blob)!], [1, 2, 3], "wiping the caller's copy leaves the kept key");
  assert.equal(cache.dataKey('other', blob), undefined);
  assert.equal(cache.dataKey('ctx', Buffer.from('another')), undefined);
  const held = cache.contents().dataKeys[0];
  advance(60_000);
  assert.equal(cache.dataKey('ctx', blob), undefined);
  assert.deepEqual([...held], [0, 0, 0], 'an expired key found by a read is wiped');
});

test('expired, dropped, replaced and evicted data keys are wiped', () => {
  const { cache, advance } = setup({ maxDataKeys: 2 });
  const keep = (context: string, keyId: string) => {
    cache.keepDataKey(context, Buffer.from('blob'), keyId, Buffer.from([7, 7]));
    return cache.contents().dataKeys.at(-1)!;
  };
  const wiped = (key: Buffer) => key.every((b) => b === 0);

  const dropped = keep('a', 'key-1');
  const other = keep('b', 'key-2');
  cache.dropDataKeys('key-1');
  assert.ok(wiped(dropped), "dropDataKeys(keyId) wipes that key's data keys");
  assert.ok(!wiped(other), '... and only those');

  const replaced = keep('b', 'key-2');
  keep('b', 'key-2');
  assert.ok(wiped(replaced), 'a key kept again wipes the one it replaces');

  const oldest = keep('c', 'key-3');
  keep('d', 'key-3');
  keep('e', 'key-3');
  assert.ok(wiped(oldest), 'past maxDataKeys the oldest is wiped');
  assert.equal(cache.contents().dataKeys.length, 2);

  const expiring = cache.contents().dataKeys;
  advance(60_000);
  cache.sweepDataKeys();
  assert.ok(expiring.every(wiped), 'the sweep wipes what expired, without a read');
  assert.equal(cache.contents().dataKeys.length, 0);

  const cleared = keep('f', 'key-4');
  cache.clear();
  assert.ok(wiped(cleared));
});
