import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newKey } from '../../crypto/aead.ts';
import { rootKeyFromBytes } from '../../crypto/root-key.ts';
import { openStore, type Store } from '../../store/db.ts';
import { createReadCache } from '../../store/read-cache.ts';
import { decodeBlob, encodeBlob } from './ciphertext-blob.ts';
import { createKeyService, KeyUnavailableError } from './key-service.ts';

let store: Store;
const scope = { accountId: '111122223333', region: 'eu-west-1' };

before(async () => {
  store = await openStore({ kind: 'sqlite', path: ':memory:' });
});
after(() => store.close());

const rootKey = rootKeyFromBytes(newKey());
function service() {
  return createKeyService({ store, cache: createReadCache({ changeToken: store.changeToken }), rootKey, now: () => 1_700_000_000_000 });
}

test('ciphertext blobs carry key id and material version', () => {
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const blob = encodeBlob({ keyId, materialVersion: 7, sealed: Buffer.from('sealed-bytes') });
  assert.deepEqual(decodeBlob(blob), { keyId, materialVersion: 7, sealed: Buffer.from('sealed-bytes') });
  assert.equal(decodeBlob(Buffer.from([9, 9, 9])), undefined);
});

test('the default key is created once per scope and found by every form of its name', async () => {
  const keys = service();
  const a = await keys.resolve(scope, undefined);
  const b = await keys.resolve(scope, 'alias/aws/secretsmanager');
  const c = await keys.resolve(scope, a.key_id);
  const d = await keys.resolve(scope, a.arn);
  const e = await keys.resolve(scope, `arn:aws:kms:${scope.region}:${scope.accountId}:alias/aws/secretsmanager`);
  assert.equal(new Set([a, b, c, d, e].map((k) => k.key_id)).size, 1);
  assert.equal(a.arn, `arn:aws:kms:eu-west-1:111122223333:key/${a.key_id}`);
  const other = await keys.resolve({ accountId: scope.accountId, region: 'us-east-2' }, undefined);
  assert.notEqual(other.key_id, a.key_id, 'each region has its own default key');
});

test('unknown keys and malformed ids are refused with the reason', async () => {
  const keys = service();
  await assert.rejects(keys.resolve(scope, '00000000-0000-0000-0000-000000000000'), (e: unknown) => e instanceof KeyUnavailableError && e.reason === 'not-found');
  await assert.rejects(keys.resolve(scope, 'alias/nope'), (e: unknown) => e instanceof KeyUnavailableError && e.reason === 'not-found');
  await assert.rejects(keys.resolve(scope, 'not a key'), (e: unknown) => e instanceof KeyUnavailableError && e.reason === 'invalid-id');
  const mine = await keys.resolve(scope, undefined);
  await assert.rejects(keys.resolve(scope, mine.arn.replace('111122223333', '999999999999')), (e: unknown) => e instanceof KeyUnavailableError && e.reason === 'not-found');
});

test('data keys round-trip only with the same context', async () => {
  const keys = service();
  const key = await keys.resolve(scope, undefined);
  const { plaintext, blob } = keys.generateDataKey(key, 'ctx-1');
  assert.deepEqual(await keys.decryptDataKey(scope, blob, 'ctx-1'), plaintext);
  await assert.rejects(keys.decryptDataKey(scope, blob, 'ctx-2'), (e: unknown) => e instanceof KeyUnavailableError && e.reason === 'bad-ciphertext');
  await assert.rejects(keys.decryptDataKey({ ...scope, region: 'ap-south-1' }, blob, 'ctx-1'), (e: unknown) => e instanceof KeyUnavailableError && e.reason === 'not-found');
});
