// The root key seals every KMS key's material, every access-key secret and every rotation function's
// secret. It comes from COFFER_ROOT_KEY (base64 of 32 bytes; several comma-separated, newest first) and from
// the key file in the data directory (one base64 key a line, newest first), created owner-only on first
// start. Without it, nothing in the database can be read.
//
// Everything the root key seals names it: [format 2][8-byte root key id][AEAD envelope (aead.ts)], the id
// being an HMAC of the key (it reveals nothing of it). So a server holds a keyring (the current root key and
// earlier ones), opens each item with the key that sealed it, and seals with the one the database says is
// current; after a root-key rotation it re-reads its key file when it meets an id it does not hold.
// Items sealed before ids existed (the bare AEAD envelope, format 1) open by trying each key.
import { createHmac } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CryptoError, KEY_BYTES, newKey, open, seal } from './aead.ts';

const SEALED_V2 = 2;
const ID_BYTES = 8;
const RELOAD_INTERVAL_MS = 1000;

export interface RootKey {
  seal(plaintext: Buffer, aad: string): Buffer;
  open(sealed: Buffer, aad: string): Buffer;
}

/** A sealed item names a root key this server does not hold (the store was re-keyed by another server). */
export class UnknownRootKeyError extends CryptoError {
  constructor(readonly rootKeyId: string) {
    super(`sealed with root key ${rootKeyId}, which this server does not hold`);
  }
}

/** The public name of a root key: 16 hex digits of HMAC-SHA256(key, label). */
export function rootKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('coffer-root-key-id').digest().subarray(0, ID_BYTES).toString('hex');
}

/** The id of the root key that sealed `sealed`, or undefined for the id-less format 1. */
export function sealedRootKeyId(sealed: Buffer): string | undefined {
  if (sealed.length <= 1 + ID_BYTES || sealed[0] !== SEALED_V2) return undefined;
  return sealed.subarray(1, 1 + ID_BYTES).toString('hex');
}

export function rootKeyFromBytes(key: Buffer): RootKey & { id: string } {
  if (key.length !== KEY_BYTES) throw new Error(`the root key must be ${KEY_BYTES} bytes, got ${key.length}`);
  const id = rootKeyId(key);
  const idBytes = Buffer.from(id, 'hex');
  return {
    id,
    seal: (plaintext, aad) => Buffer.concat([Buffer.from([SEALED_V2]), idBytes, seal(key, plaintext, Buffer.from(`root:${aad}`))]),
    open(sealed, aad) {
      const sealedBy = sealedRootKeyId(sealed);
      if (sealedBy === undefined) return open(key, sealed, Buffer.from(`root:${aad}`));
      if (sealedBy !== id) throw new UnknownRootKeyError(sealedBy);
      return open(key, sealed.subarray(1 + ID_BYTES), Buffer.from(`root:${aad}`));
    },
  };
}

export function parseRootKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`the root key must be base64 of ${KEY_BYTES} bytes`);
  return key;
}

/** COFFER_ROOT_KEY: one key, or several separated by commas (newest first). */
export function parseRootKeys(text: string): Buffer[] {
  return text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('#')).map(parseRootKey);
}

export const ROOT_KEY_FILE = 'root.key';

export function readRootKeyFile(path: string): Buffer[] {
  const keys = parseRootKeys(readFileSync(path, 'utf8'));
  if (keys.length === 0) throw new Error(`the root key file ${path} holds no key`);
  return keys;
}

/**
 * Writes the key file (newest key first) owner-only, replacing it atomically: a crash leaves the old file
 * or the new one, never half of one.
 */
export function writeRootKeyFile(path: string, keys: Buffer[]): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, keys.map((k) => k.toString('base64')).join('\n') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Loads the root key file, creating it (mode 0600) when absent. Returns whether it was created. */
export function loadOrCreateRootKeyFile(dataDir: string): { keys: Buffer[]; created: boolean } {
  const path = join(dataDir, ROOT_KEY_FILE);
  if (existsSync(path)) return { keys: readRootKeyFile(path), created: false };
  const key = newKey();
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, key.toString('base64') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { keys: [key], created: true };
}

/**
 * The root keys a running server holds. It seals with the current one (`use` moves it: root-key rotation,
 * or the database naming another key as current) and opens with whichever key an item names. `load`
 * re-reads the server's key sources; it runs when an item names a key not held (at most once a second).
 */
export interface RootKeyring extends RootKey {
  currentId(): string;
  ids(): string[];
  has(id: string): boolean;
  /** Adds a key (if new) and returns its id. */
  add(key: Buffer): string;
  /** Seals with the key `id` from now on; the key must be held. */
  use(id: string): void;
  /** Re-reads the key sources, adding the keys not held yet. */
  reload(): void;
  /** A RootKey that seals with the key `id` only (root-key rotation's target). */
  only(id: string): RootKey & { id: string };
}

export function rootKeyring(initial: Buffer[], load: () => Buffer[] = () => [], now: () => number = Date.now): RootKeyring {
  if (initial.length === 0) throw new Error('no root key');
  const keys = new Map<string, RootKey & { id: string }>();
  const add = (bytes: Buffer): string => {
    const key = rootKeyFromBytes(bytes);
    if (!keys.has(key.id)) keys.set(key.id, key);
    return key.id;
  };
  initial.forEach(add);
  let current = rootKeyId(initial[0]);
  let lastReload = -Infinity;

  const reload = () => {
    lastReload = now();
    load().forEach(add);
  };
  const held = (id: string) => {
    if (!keys.has(id) && now() - lastReload >= RELOAD_INTERVAL_MS) {
      try {
        reload();
      } catch {
        // An unreadable key file is the same as a file without the key: the caller reports the missing id.
      }
    }
    const key = keys.get(id);
    if (!key) throw new UnknownRootKeyError(id);
    return key;
  };

  return {
    seal: (plaintext, aad) => keys.get(current)!.seal(plaintext, aad),
    open(sealed, aad) {
      const id = sealedRootKeyId(sealed);
      if (id !== undefined) return held(id).open(sealed, aad);
      let failure: unknown;
      for (const key of keys.values()) {
        try {
          return key.open(sealed, aad);
        } catch (err) {
          if (!(err instanceof CryptoError)) throw err;
          failure = err;
        }
      }
      throw failure;
    },
    currentId: () => current,
    ids: () => [...keys.keys()],
    has: (id) => keys.has(id),
    add,
    use(id) {
      if (!keys.has(id)) throw new UnknownRootKeyError(id);
      current = id;
    },
    reload,
    only: (id) => held(id),
  };
}
