import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CryptoError, newKey, open, seal } from './aead.ts';
import { parseRootKey, rootKeyFromBytes } from './root-key.ts';

test('seal then open returns the plaintext', () => {
  const key = newKey();
  const sealed = seal(key, Buffer.from('hunter2'), Buffer.from('owner-a'));
  assert.equal(open(key, sealed, Buffer.from('owner-a')).toString(), 'hunter2');
  assert.equal(sealed.includes(Buffer.from('hunter2')), false, 'the ciphertext must not contain the plaintext');
});

test('two seals of the same plaintext differ (fresh nonce each time)', () => {
  const key = newKey();
  const a = seal(key, Buffer.from('same'), Buffer.from('x'));
  const b = seal(key, Buffer.from('same'), Buffer.from('x'));
  assert.notDeepEqual(a, b);
});

test('a ciphertext opened with other associated data fails (bound to its owner)', () => {
  const key = newKey();
  const sealed = seal(key, Buffer.from('v'), Buffer.from('secret-1:version-1'));
  assert.throws(() => open(key, sealed, Buffer.from('secret-2:version-1')), CryptoError);
});

test('any flipped byte is detected', () => {
  const key = newKey();
  const sealed = seal(key, Buffer.from('a longer secret value'), Buffer.from('aad'));
  for (let i = 0; i < sealed.length; i++) {
    const tampered = Buffer.from(sealed);
    tampered[i] ^= 0x01;
    assert.throws(() => open(key, tampered, Buffer.from('aad')), CryptoError, `byte ${i}`);
  }
});

test('a wrong key fails; a truncated or unknown-format ciphertext fails', () => {
  const sealed = seal(newKey(), Buffer.from('v'), Buffer.from('a'));
  assert.throws(() => open(newKey(), sealed, Buffer.from('a')), CryptoError);
  assert.throws(() => open(newKey(), sealed.subarray(0, 10), Buffer.from('a')), CryptoError);
});

test('root key: 32 bytes required, sealing is domain-separated by its label', () => {
  assert.throws(() => parseRootKey(Buffer.alloc(16).toString('base64')), /32 bytes/);
  const root = rootKeyFromBytes(newKey());
  const sealed = root.seal(Buffer.from('material'), 'key-1:1');
  assert.equal(root.open(sealed, 'key-1:1').toString(), 'material');
  assert.throws(() => root.open(sealed, 'key-2:1'), CryptoError);
  // The root key never opens a value sealed directly with the same bytes but without its label.
  const bytes = newKey();
  assert.throws(() => rootKeyFromBytes(bytes).open(seal(bytes, Buffer.from('x'), Buffer.from('key-1:1')), 'key-1:1'), CryptoError);
});
