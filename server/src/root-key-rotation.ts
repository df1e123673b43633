// Root-key rotation: everything the root key seals (every version of every KMS key's material, every secret
// access key, every rotation function's secret, and the root-key check value) is re-wrapped under a new root
// key in one transaction. Secret values, wrapped data keys and KMS ciphertexts do not change: the material
// under them is the same.
//
// The new key is the first line of this server's key file when the operator staged one there (a key the
// database is not sealed with yet), else a new random key, written first in the key file (owner-only,
// atomically, earlier keys kept below it) BEFORE the database changes: once the transaction commits the
// database opens only with it, so it must already be on disk.
//
// The running server moves to the new key inside the transaction and keeps opening what older keys sealed,
// so its readers never see a gap; if the transaction fails it moves back. Other servers sharing the database
// follow without a restart (createRootKeyFollower): an item naming a root key they do not hold makes them
// re-read their key file, and their sweep switches them to the key the database names once they hold it,
// re-wrapping anything they sealed with the old key meanwhile. They need the new key in their own key file
// (the operator copies it, or staged it there before the rotation); until then they serve what they had
// already opened.
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { newKey } from './crypto/aead.ts';
import { readRootKeyFile, rootKeyId, writeRootKeyFile, type RootKey, type RootKeyring } from './crypto/root-key.ts';
import { sealRootCheck, storedRootKeyId } from './bootstrap.ts';
import type { Store, Tx } from './store/db.ts';
import { setMeta } from './store/meta.ts';

export interface RootKeyRotationDeps {
  store: Store;
  keyring: RootKeyring;
  /** this server's key file: the new key is written to it before the database changes */
  keyFile: string;
  keys: { rewrapMaterials(tx: Tx, from: RootKey, to: RootKey): Promise<number> };
  accessKeys: { rewrapSecrets(tx: Tx, from: RootKey, to: RootKey): Promise<number> };
  /** rotation functions' signing keys and credentials, also sealed by the root key */
  functions: { rewrapSecrets(tx: Tx, from: RootKey, to: RootKey): Promise<number> };
}

export interface RewrapCounts {
  materials: number;
  accessKeys: number;
  functions: number;
}

export interface RootKeyRotationResult extends RewrapCounts {
  rootKeyId: string;
  previousRootKeyId: string;
  keyFile: string;
  /** the new key was the one the operator put first in the key file */
  staged: boolean;
}

/** The store's root key is not the one this server seals with (another server rotated it). */
export class RootKeyConflictError extends Error {}

export async function rotateRootKey(deps: RootKeyRotationDeps): Promise<RootKeyRotationResult> {
  const { store, keyring, keyFile } = deps;
  // One rotation at a time per key file (this process, other workers, other servers sharing the data
  // directory): two rotations writing the file at once could leave it without the key the database ends on.
  const lock = `${keyFile}.lock`;
  try {
    closeSync(openSync(lock, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw new RootKeyConflictError(`A root-key rotation is already running on this key file (lock file ${lock}; remove it only if no rotation is running).`);
  }
  try {
    const previous = keyring.currentId();
    await requireStoredKey(store.db, previous);
    const fileKeys = existsSync(keyFile) ? readRootKeyFile(keyFile) : [];
    const staged = fileKeys.length > 0 && rootKeyId(fileKeys[0]) !== previous;
    const next = staged ? fileKeys[0] : newKey();
    if (!staged) writeRootKeyFile(keyFile, [next, ...fileKeys]);
    const nextId = keyring.add(next);
    const counts = await rewrapAll(deps, nextId, previous);
    return { rootKeyId: nextId, previousRootKeyId: previous, keyFile, staged, ...counts };
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Re-wraps everything the root key seals under the held key `targetId`, in one transaction that keeps other
 * writers of those tables out, provided the store still names `expected` as its key; this server seals with
 * `targetId` from inside the transaction on (and moves back if it fails).
 */
export async function rewrapAll(deps: RootKeyRotationDeps, targetId: string, expected: string): Promise<RewrapCounts> {
  const { store, keyring, keys, accessKeys, functions } = deps;
  const to = keyring.only(targetId);
  const before = keyring.currentId();
  let moved = false;
  try {
    return await store.db.transaction().execute(async (tx) => {
      // No key, version or access key may be sealed with an older root key after this transaction read them.
      await store.lockTables(tx, ['kms_key_materials', 'access_keys', 'rotation_functions', 'meta']);
      await requireStoredKey(tx, expected);
      const materials = await keys.rewrapMaterials(tx, keyring, to);
      const accessKeyCount = await accessKeys.rewrapSecrets(tx, keyring, to);
      const functionCount = await functions.rewrapSecrets(tx, keyring, to);
      await setMeta(tx, 'root_key_check', sealRootCheck(to));
      // From here this server seals with the target key: a writer that runs right after the commit must
      // not seal with the old one. Reads of either keep working.
      keyring.use(targetId);
      moved = true;
      return { materials, accessKeys: accessKeyCount, functions: functionCount };
    });
  } catch (err) {
    if (moved) keyring.use(before);
    throw err;
  }
}

/** Ends checkSealed's transaction without committing it. */
class CheckOnly extends Error {}

/**
 * Opens everything the root key seals with the keys held, changing nothing (a restore checks a backup with it):
 * each item is re-wrapped as a rotation would, in a transaction that is then rolled back, so the one place
 * that knows how an item is bound to its owner opens it. Throws on the first item that does not open.
 */
export async function checkSealed(deps: RootKeyRotationDeps): Promise<RewrapCounts> {
  const { store, keyring, keys, accessKeys, functions } = deps;
  let counts: RewrapCounts | undefined;
  try {
    await store.db.transaction().execute(async (tx) => {
      counts = {
        materials: await keys.rewrapMaterials(tx, keyring, keyring),
        accessKeys: await accessKeys.rewrapSecrets(tx, keyring, keyring),
        functions: await functions.rewrapSecrets(tx, keyring, keyring),
      };
      throw new CheckOnly();
    });
  } catch (err) {
    if (!(err instanceof CheckOnly)) throw err;
  }
  return counts!;
}

async function requireStoredKey(db: Store['db'] | Tx, expected: string): Promise<void> {
  const stored = await storedRootKeyId(db);
  if (stored !== expected) {
    throw new RootKeyConflictError(
      `The database is sealed with root key ${stored ?? '(unknown)'}, not with this server's current root key ${expected}: another server rotated it. This server follows once its key file holds that key; retry then.`,
    );
  }
}
