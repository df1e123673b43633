// The hot path keeps unwrapped data keys between reads. What it hands out must always be the right key,
// even when the cache is dropped while a read is between its lookup and its key-state check, and a key
// that is disabled stops the reads that would hit the cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DisableKeyCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import { newKey, startKmsServer, type KmsTestServer } from './helpers.ts';

describe('cached data keys', () => {
  let t: KmsTestServer;
  before(async () => {
    t = await startKmsServer();
  });
  after(() => t.close());

  const scope = () => ({ accountId: t.server.app.accountId, region: 'us-east-1' });

  it('a read in flight keeps its own copy when the cache is dropped under it', async () => {
    const keys = t.server.app.keys;
    const row = await keys.defaultSecretsKey(scope());
    const { plaintext, blob } = keys.generateDataKey(row, 'test-context');
    assert.deepEqual(await keys.decryptDataKey(scope(), blob, 'test-context'), plaintext); // now cached
    const inFlight = keys.decryptDataKey(scope(), blob, 'test-context'); // stops at its key-state check
    keys.clearCache(); // wipes the cached buffers
    assert.deepEqual(await inFlight, plaintext);
    assert.deepEqual(await keys.decryptDataKey(scope(), blob, 'test-context'), plaintext);
  });

  it('a cached key is refused once its KMS key is disabled, and served again after EnableKey', async () => {
    const keys = t.server.app.keys;
    const key = await newKey(t.kms);
    const row = await keys.requireKey(t.server.app.store.db, scope(), key.id);
    const { plaintext, blob } = keys.generateDataKey(row, 'ctx');
    assert.deepEqual(await keys.decryptDataKey(scope(), blob, 'ctx'), plaintext);
    await t.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    await assert.rejects(keys.decryptDataKey(scope(), blob, 'ctx'), /disabled/i);
    await t.kms.send(new EnableKeyCommand({ KeyId: key.id }));
    assert.deepEqual(await keys.decryptDataKey(scope(), blob, 'ctx'), plaintext);
  });
});
