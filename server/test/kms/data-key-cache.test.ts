// The read path keeps unwrapped data keys for a short time (store/read-cache.ts), never what they open. What
// it hands out must always be the right key, a dropped cache unwraps again, and a KMS key that is disabled
// stops the reads that would use a kept data key.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DisableKeyCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import { newKey, startKmsServer, type KmsTestServer } from './helpers.ts';

describe('kept data keys', () => {
  let t: KmsTestServer;
  before(async () => {
    t = await startKmsServer();
  });
  after(() => t.close());

  const scope = () => ({ accountId: t.server.app.accountId, region: 'us-east-1' });
  const kept = () => t.server.app.cache.contents().dataKeys;
  const holds = (dataKey: Buffer) => kept().some((k) => k.equals(dataKey));

  it('a data key unwrapped for a read is kept (a copy: wiping what the caller got changes nothing) until the cache is dropped', async () => {
    const { keys, cache } = t.server.app;
    const row = await keys.defaultSecretsKey(scope());
    const { plaintext, blob } = keys.generateDataKey(row, 'test-context');
    assert.equal(holds(plaintext), false, 'nothing kept yet');

    const first = await keys.readDataKey(await cache.view(), scope(), blob, 'test-context');
    assert.deepEqual(first, plaintext);
    assert.ok(holds(plaintext), 'kept after the first read');
    first.fill(0);
    assert.deepEqual(await keys.readDataKey(await cache.view(), scope(), blob, 'test-context'), plaintext);
    await assert.rejects(keys.readDataKey(await cache.view(), scope(), blob, 'other-context'), /failed authentication/, 'only under its own context');

    keys.clearCache();
    assert.equal(holds(plaintext), false);
    assert.deepEqual(await keys.readDataKey(await cache.view(), scope(), blob, 'test-context'), plaintext, 'unwrapped again after the drop');
  });

  it('a kept data key is refused once its KMS key is disabled, and served again after EnableKey', async () => {
    const { keys, cache, store } = t.server.app;
    const key = await newKey(t.kms);
    const row = await keys.requireKey(store.db, scope(), key.id);
    const { plaintext, blob } = keys.generateDataKey(row, 'ctx');
    assert.deepEqual(await keys.readDataKey(await cache.view(), scope(), blob, 'ctx'), plaintext);

    await t.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    assert.equal(holds(plaintext), false, 'the change wiped the key\'s data keys in this process');
    await assert.rejects(keys.readDataKey(await cache.view(), scope(), blob, 'ctx'), /disabled/i);

    await t.kms.send(new EnableKeyCommand({ KeyId: key.id }));
    assert.deepEqual(await keys.readDataKey(await cache.view(), scope(), blob, 'ctx'), plaintext);
  });

  it("a kept data key is refused once another process disabled its KMS key (the key row is read under the store's change token)", async () => {
    const { keys, cache, store } = t.server.app;
    const key = await newKey(t.kms);
    const row = await keys.requireKey(store.db, scope(), key.id);
    const { plaintext, blob } = keys.generateDataKey(row, 'ctx-2');
    assert.deepEqual(await keys.readDataKey(await cache.view(), scope(), blob, 'ctx-2'), plaintext);

    // Written as another server would: nothing in this process hears of it, the data key stays kept.
    await store.db.updateTable('kms_keys').set({ key_state: 'Disabled' }).where('key_id', '=', key.id).execute();
    assert.ok(holds(plaintext));
    await assert.rejects(keys.readDataKey(await cache.view(), scope(), blob, 'ctx-2'), /disabled/i);
  });
});
