import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signaturesEqual } from './compare-signature.ts';

const signature = 'a'.repeat(31) + '0123456789abcdef'.repeat(2) + 'f';

test('equal signatures compare equal; any differing character, first, middle or last, does not', () => {
  assert.equal(signaturesEqual(signature, `${signature}`), true);
  for (const at of [0, 31, 63]) {
    const changed = signature.slice(0, at) + (signature[at] === 'b' ? 'c' : 'b') + signature.slice(at + 1);
    assert.equal(signaturesEqual(signature, changed), false, `a difference at ${at}`);
  }
  assert.equal(signaturesEqual(signature, signature.toUpperCase()), false, 'hex case counts (AWS sends lowercase)');
});

test('different lengths never compare equal', () => {
  assert.equal(signaturesEqual(signature, signature.slice(0, 63)), false);
  assert.equal(signaturesEqual(signature, `${signature}0`), false);
  assert.equal(signaturesEqual('', signature), false);
});
