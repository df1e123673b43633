// The hot path keeps unwrapped data keys between reads, with the values opened under them. What it hands
// out must always be the right value, a dropped cache opens again, and a key that is disabled stops the
// reads that would hit the cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DisableKeyCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import { open, seal } from '../../src/crypto/aead.ts';
import { newKey, startKmsServer, type KmsTestServer } from './helpers.ts';

describe('cached data keys', () => {
  let t: KmsTestServer;
  before(async () => {
    t = await startKmsServer();
  });
  after(() => t.close());

  const scope = () => ({ accountId: t.server.app.accountId, region: 'us-east-1' });
  /** What a caller that keeps the value does with the bytes it is shown: copies them. */
  const copy = (value: Buffer) => Buffer.from(value);

  /** A value sealed under a fresh data key of `row`, and an opener that counts its calls. */
  function sealedUnder(keys: KmsTestServer['server']['app']['keys'], row: Parameters<typeof keys.generateDataKey>[0], context: string) {
    const { plaintext, blob } = keys.generateDataKey(row, context);
    const sealed = seal(plaintext, Buffer.from('the value'), Buffer.from('aad'));
    let opens = 0;
    const opener = (dataKey: Buffer) => {
      opens += 1;
      return open(dataKey, sealed, Buffer.from('aad'));
    };
    return { blob, sealed, opener, opens: () => opens };
  }

  it('a value opened under a cached data key is kept with it, until the cache is dropped', async () => {
    const keys = t.server.app.keys;
    const row = await keys.defaultSecretsKey(scope());
    const v = sealedUnder(keys, row, 'test-context');
    assert.equal(keys.peekOpened(scope(), v.blob, 'test-context', v.sealed, v.opener, copy), undefined, 'nothing cached yet');
    await keys.decryptDataKey(scope(), v.blob, 'test-context'); // now cached
    const first = keys.peekOpened(scope(), v.blob, 'test-context', v.sealed, v.opener, copy)!;
    assert.equal(first.toString(), 'the value');
    first.fill(0); // the caller's copy
    assert.equal(keys.peekOpened(scope(), v.blob, 'test-context', v.sealed, v.opener, copy)!.toString(), 'the value');
    assert.equal(v.opens(), 1, 'opened once');
    assert.equal(keys.peekOpened(scope(), v.blob, 'other-context', v.sealed, v.opener, copy), undefined, 'only under its own context');
    keys.clearCache();
    assert.equal(keys.peekOpened(scope(), v.blob, 'test-context', v.sealed, v.opener, copy), undefined);
    await keys.decryptDataKey(scope(), v.blob, 'test-context');
    assert.equal(keys.peekOpened(scope(), v.blob, 'test-context', v.sealed, v.opener, copy)!.toString(), 'the value');
    assert.equal(v.opens(), 2, 'opened again after the drop');
  });

  it('a kept value is refused once its KMS key is disabled, and served again after EnableKey', async () => {
    const keys = t.server.app.keys;
    const key = await newKey(t.kms);
    const row = await keys.requireKey(t.server.app.store.db, scope(), key.id);
    const v = sealedUnder(keys, row, 'ctx');
    await keys.decryptDataKey(scope(), v.blob, 'ctx');
    assert.equal(keys.peekOpened(scope(), v.blob, 'ctx', v.sealed, v.opener, copy)!.toString(), 'the value');
    await t.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    // The change dropped the entry (a process that did not make it sees the row change, and its state check throws).
    assert.equal(keys.peekOpened(scope(), v.blob, 'ctx', v.sealed, v.opener, copy), undefined);
    await assert.rejects(keys.decryptDataKey(scope(), v.blob, 'ctx'), /disabled/i);
    await t.kms.send(new EnableKeyCommand({ KeyId: key.id }));
    await keys.decryptDataKey(scope(), v.blob, 'ctx');
    assert.equal(keys.peekOpened(scope(), v.blob, 'ctx', v.sealed, v.opener, copy)!.toString(), 'the value');
  });
});
