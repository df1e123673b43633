// The agent cache's own rules, with a clock and a fetch the test controls: least recently used out first at
// cache_size, TTL, the staleness limit when Coffer is unreachable, and an older fetch never overwriting the
// answer of a newer one (a read that began before a change and ends after the refresh the change caused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { createSecretCache, type SecretRequest } from './secret-cache.ts';

const output = (id: string, value: string) => ({ ARN: `arn:aws:secretsmanager:us-east-1:111122223333:secret:${id}-AbCdEf`, Name: id, VersionId: value, SecretString: value, $metadata: {} }) as GetSecretValueCommandOutput;
const unreachable = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const refused = () => Object.assign(new Error('not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });

function setup(size = 2) {
  let clock = 0;
  const values = new Map<string, string>();
  const calls: string[] = [];
  let fail: (() => Error) | undefined;
  const cache = createSecretCache({
    ttlMs: 10_000,
    maxStaleMs: 5_000,
    size,
    ignoreTransientErrors: true,
    now: () => clock,
    log: () => {},
    fetch: async (r: SecretRequest) => {
      calls.push(r.secretId);
      if (fail) throw fail();
      return output(r.secretId, values.get(r.secretId) ?? 'v0');
    },
  });
  const value = async (id: string) => {
    const a = await cache.get({ secretId: id });
    return a.status === 200 ? (JSON.parse(a.body) as { SecretString: string }).SecretString : `${a.status} ${a.body}`;
  };
  return { cache, values, calls, value, tick: (ms: number) => (clock += ms), failWith: (f?: () => Error) => (fail = f) };
}

test('holds cache_size entries, the least recently used out first', async () => {
  const t = setup(2);
  await t.value('a');
  await t.value('b');
  await t.value('a'); // a is now the most recently used
  await t.value('c'); // b goes
  assert.deepEqual(t.calls, ['a', 'b', 'c']);
  await t.value('a');
  await t.value('b');
  assert.deepEqual(t.calls, ['a', 'b', 'c', 'b']);
});

test('serves a value past its TTL only within the staleness limit while Coffer is unreachable, never after a refusal', async () => {
  const t = setup();
  t.values.set('a', 'one');
  assert.equal(await t.value('a'), 'one');
  t.failWith(unreachable);
  t.tick(14_000);
  assert.equal(await t.value('a'), 'one', 'TTL (10 s) + 4 s: within max stale (5 s)');
  t.tick(2_000);
  assert.equal(await t.value('a'), '502 {"__type":"ConnectionError","message":"Read Error"}');
  t.failWith(undefined);
  assert.equal(await t.value('a'), 'one');
  t.failWith(refused);
  t.tick(11_000);
  assert.equal(await t.value('a'), '400 {"__type":"ResourceNotFoundException","message":"not found"}', 'an answer of the service is passed on, not covered with the cached value');
});

test('a change refreshes the entries of that secret, and an older read does not overwrite the newer answer', async () => {
  const t = setup();
  t.values.set('a', 'one');
  await t.value('a');
  // A read whose answer is slow: it starts before the change and ends after the change's refresh.
  let release: () => void = () => {};
  const slow = new Promise<void>((r) => (release = r));
  const cache = createSecretCache({
    ttlMs: 10_000, maxStaleMs: 0, size: 10, ignoreTransientErrors: true, log: () => {},
    fetch: async (r) => {
      const v = t.values.get(r.secretId)!;
      if (v === 'one') await slow;
      return output(r.secretId, v);
    },
  });
  const early = cache.get({ secretId: 'a' }, true);
  await new Promise((r) => setImmediate(r));
  t.values.set('a', 'two');
  await cache.get({ secretId: 'a' }, true); // the change's refresh: 'two'
  release();
  assert.equal(JSON.parse((await early).body).SecretString, 'one');
  assert.equal(JSON.parse((await cache.get({ secretId: 'a' })).body).SecretString, 'two', 'the slow, older answer did not replace the newer one');
  t.values.set('a', 'three');
  assert.equal(await t.cache.changed(output('a', '').ARN!), 1);
  assert.equal(await t.value('a'), 'three');
});
