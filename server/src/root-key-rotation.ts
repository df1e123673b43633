// Root-key rotation: everything the root key seals (every version of every KMS key's material, every secret
// access key, and the root-key check value) is re-wrapped under a new root key in one transaction. Secret
// values, wrapped data keys and KMS ciphertexts do not change: the material under them is the same.
//
// The running server moves to the new key inside the transaction (RootKeyring.advance) and keeps opening
// what the old key sealed, so its readers never see a gap; if the transaction fails it moves back. Other
// servers sharing the database must be restarted with the new key (they keep serving what they have cached,
// but cannot open material they had not opened yet). The caller stores the new key before calling: once
// this returns, the database opens only with it.
import { rootKeyFromBytes, type RootKey, type RootKeyring } from './crypto/root-key.ts';
import type { AccessKeyStore } from './auth/access-keys.ts';
import { sealRootCheck } from './bootstrap.ts';
import type { Store, Tx } from './store/db.ts';
import { setMeta } from './store/meta.ts';
import type { KeyService } from './services/kms/key-service.ts';

export interface RootKeyRotationDeps {
  store: Store;
  keyring: RootKeyring;
  keys: KeyService;
  accessKeys: AccessKeyStore;
  /** rotation functions' signing keys and credentials, also sealed by the root key */
  functions: { rewrapSecrets(tx: Tx, from: RootKey, to: RootKey): Promise<number> };
}

export interface RootKeyRotationResult {
  materials: number;
  accessKeys: number;
  functions: number;
}

export async function rotateRootKey(deps: RootKeyRotationDeps, nextKey: Buffer): Promise<RootKeyRotationResult> {
  const { store, keyring, keys, accessKeys, functions } = deps;
  const next = rootKeyFromBytes(nextKey);
  let advanced = false;
  try {
    return await store.db.transaction().execute(async (tx) => {
      // No key, version or access key may be sealed with the old root key after this transaction read them.
      await store.lockTables(tx, ['kms_key_materials', 'access_keys', 'rotation_functions', 'meta']);
      const materials = await keys.rewrapMaterials(tx, keyring, next);
      const accessKeyCount = await accessKeys.rewrapSecrets(tx, keyring, next);
      const functionCount = await functions.rewrapSecrets(tx, keyring, next);
      await setMeta(tx, 'root_key_check', sealRootCheck(next));
      // From here this server seals with the new key: a writer that runs right after the commit must not
      // seal with the old one. Reads of either keep working.
      keyring.advance(nextKey);
      advanced = true;
      return { materials, accessKeys: accessKeyCount, functions: functionCount };
    });
  } catch (err) {
    if (advanced) keyring.retreat();
    throw err;
  }
}
