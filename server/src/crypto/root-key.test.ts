import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CryptoError, newKey } from './aead.ts';
import { rootKeyFromBytes, rootKeyring } from './root-key.ts';

test('root keyring: after advance it seals with the new key and still opens what the old one sealed', () => {
  const oldBytes = newKey();
  const nextBytes = newKey();
  const ring = rootKeyring(oldBytes);
  const before = ring.seal(Buffer.from('m1'), 'k:1');
  ring.advance(nextBytes);
  const after = ring.seal(Buffer.from('m2'), 'k:1');
  assert.equal(ring.open(before, 'k:1').toString(), 'm1');
  assert.equal(ring.open(after, 'k:1').toString(), 'm2');
  assert.equal(rootKeyFromBytes(nextBytes).open(after, 'k:1').toString(), 'm2', 'new seals are the new key alone');
  assert.throws(() => rootKeyFromBytes(oldBytes).open(after, 'k:1'), CryptoError);
  assert.throws(() => ring.open(before, 'k:2'), CryptoError, 'labels still bind');
  ring.retreat();
  assert.throws(() => ring.open(after, 'k:1'), CryptoError, 'retreat forgets the new key');
  assert.equal(rootKeyFromBytes(oldBytes).open(ring.seal(Buffer.from('m3'), 'x'), 'x').toString(), 'm3');
});
