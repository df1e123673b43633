import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptoError, newKey, seal } from './aead.ts';
import {
  parseRootKeys,
  readRootKeyFile,
  rootKeyFromBytes,
  rootKeyId,
  rootKeyring,
  sealedRootKeyId,
  UnknownRootKeyError,
  writeRootKeyFile,
} from './root-key.ts';

test('a sealed item names the root key that sealed it; another key refuses it by name, labels still bind', () => {
  const a = rootKeyFromBytes(newKey());
  const b = rootKeyFromBytes(newKey());
  const sealed = a.seal(Buffer.from('m'), 'k:1');
  assert.equal(sealedRootKeyId(sealed), a.id);
  assert.match(a.id, /^[0-9a-f]{16}$/);
  assert.notEqual(a.id, b.id);
  assert.equal(a.open(sealed, 'k:1').toString(), 'm');
  assert.throws(() => b.open(sealed, 'k:1'), (err: unknown) => err instanceof UnknownRootKeyError && err.rootKeyId === a.id);
  assert.throws(() => a.open(sealed, 'k:2'), CryptoError);
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1] ^= 1;
  assert.throws(() => a.open(tampered, 'k:1'), CryptoError);
  // Relabelling an item with another key's id does not make that key open it.
  const relabelled = Buffer.from(sealed);
  Buffer.from(b.id, 'hex').copy(relabelled, 1);
  assert.throws(() => rootKeyFromBytes(newKey()).open(relabelled, 'k:1'), CryptoError);
});

test('items sealed before root key ids (the bare AEAD envelope) still open', () => {
  const bytes = newKey();
  const legacy = seal(bytes, Buffer.from('old'), Buffer.from('root:k:1'));
  assert.equal(sealedRootKeyId(legacy), undefined);
  assert.equal(rootKeyFromBytes(bytes).open(legacy, 'k:1').toString(), 'old');
  assert.equal(rootKeyring([newKey(), bytes]).open(legacy, 'k:1').toString(), 'old', 'the keyring tries each key');
  assert.throws(() => rootKeyring([newKey()]).open(legacy, 'k:1'), CryptoError);
});

test('keyring: seals with the key in use, opens with whichever key an item names', () => {
  const oldBytes = newKey();
  const nextBytes = newKey();
  const ring = rootKeyring([oldBytes]);
  const before = ring.seal(Buffer.from('m1'), 'k:1');
  const nextId = ring.add(nextBytes);
  assert.equal(ring.currentId(), rootKeyId(oldBytes), 'adding a key does not change the sealing key');
  ring.use(nextId);
  const after = ring.seal(Buffer.from('m2'), 'k:1');
  assert.equal(sealedRootKeyId(after), nextId);
  assert.equal(ring.open(before, 'k:1').toString(), 'm1');
  assert.equal(ring.open(after, 'k:1').toString(), 'm2');
  assert.equal(rootKeyFromBytes(nextBytes).open(after, 'k:1').toString(), 'm2', 'new seals are the new key alone');
  assert.throws(() => rootKeyFromBytes(oldBytes).open(after, 'k:1'), CryptoError);
  assert.throws(() => ring.use('0000000000000000'), UnknownRootKeyError);
  assert.deepEqual(ring.ids().sort(), [rootKeyId(oldBytes), nextId].sort());
});

test('keyring: an item naming a key not held re-reads the sources, at most once a second', () => {
  let t = 0;
  const nextBytes = newKey();
  let sources: Buffer[] = [];
  let loads = 0;
  const ring = rootKeyring([newKey()], () => {
    loads += 1;
    return sources;
  }, () => t);
  const sealed = rootKeyFromBytes(nextBytes).seal(Buffer.from('v'), 'k');
  assert.throws(() => ring.open(sealed, 'k'), (err: unknown) => err instanceof UnknownRootKeyError && err.rootKeyId === rootKeyId(nextBytes));
  assert.equal(loads, 1);
  sources = [nextBytes];
  assert.throws(() => ring.open(sealed, 'k'), UnknownRootKeyError, 'within the second: no re-read');
  assert.equal(loads, 1);
  t += 1000;
  assert.equal(ring.open(sealed, 'k').toString(), 'v', 'the key file now holds it');
  assert.equal(loads, 2);
  assert.equal(ring.open(sealed, 'k').toString(), 'v');
  assert.equal(loads, 2, 'a held key needs no re-read');
});

test('key file: newest first, owner-only, replaced whole; COFFER_ROOT_KEY takes a comma-separated list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-rootkey-'));
  try {
    const path = join(dir, 'root.key');
    writeFileSync(path, 'x\n', { mode: 0o644 });
    const keys = [newKey(), newKey()];
    writeRootKeyFile(path, keys);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readRootKeyFile(path), keys);
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 2);
    assert.deepEqual(parseRootKeys(`${keys[1].toString('base64')}, ${keys[0].toString('base64')}`), [keys[1], keys[0]]);
    assert.throws(() => parseRootKeys('c2hvcnQ='), /32 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
