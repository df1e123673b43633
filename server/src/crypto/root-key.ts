// The root key seals every KMS key's material and every access-key secret. It comes from
// COFFER_ROOT_KEY (base64 of 32 bytes) or from the key file in the data directory, created on first start
// with owner-only permissions. Without it, nothing in the database can be read.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CryptoError, KEY_BYTES, newKey, open, seal } from './aead.ts';

export interface RootKey {
  seal(plaintext: Buffer, aad: string): Buffer;
  open(sealed: Buffer, aad: string): Buffer;
}

export function rootKeyFromBytes(key: Buffer): RootKey {
  if (key.length !== KEY_BYTES) throw new Error(`the root key must be ${KEY_BYTES} bytes, got ${key.length}`);
  return {
    seal: (plaintext, aad) => seal(key, plaintext, Buffer.from(`root:${aad}`)),
    open: (sealed, aad) => open(key, sealed, Buffer.from(`root:${aad}`)),
  };
}

export function parseRootKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`the root key must be base64 of ${KEY_BYTES} bytes`);
  return key;
}

export const ROOT_KEY_FILE = 'root.key';

/** Loads the root key file, creating it (mode 0600) when absent. Returns whether it was created. */
export function loadOrCreateRootKeyFile(dataDir: string): { key: Buffer; created: boolean } {
  const path = join(dataDir, ROOT_KEY_FILE);
  if (existsSync(path)) return { key: parseRootKey(readFileSync(path, 'utf8')), created: false };
  const key = newKey();
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}

/**
 * The root key a running server uses, able to move to a new one without a restart (root-key rotation):
 * after advance(next) it seals with `next` and still opens what the previous key sealed, so readers never
 * see a gap while the store is re-wrapped; retreat() undoes an advance whose re-wrap did not commit.
 */
export interface RootKeyring extends RootKey {
  advance(next: Buffer): void;
  retreat(): void;
}

export function rootKeyring(initial: Buffer): RootKeyring {
  let keys: RootKey[] = [rootKeyFromBytes(initial)];
  return {
    seal: (plaintext, aad) => keys[0].seal(plaintext, aad),
    open(sealed, aad) {
      for (let i = 0; ; i++) {
        try {
          return keys[i].open(sealed, aad);
        } catch (err) {
          if (!(err instanceof CryptoError) || i === keys.length - 1) throw err;
        }
      }
    },
    advance(next) {
      keys = [rootKeyFromBytes(next), keys[0]];
    },
    retreat() {
      if (keys.length > 1) keys = keys.slice(1);
    },
  };
}
