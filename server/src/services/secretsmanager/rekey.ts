// UpdateSecret with a new KmsKeyId: besides new versions using the new key, the versions labelled
// AWSCURRENT, AWSPREVIOUS and AWSPENDING are moved under it in the same transaction, so disabling or
// deleting the old key afterwards cannot lock anyone out of them. (AWS leaves old versions under the old
// key until a new value is written; its documentation warns about exactly that.) Unlabelled versions stay
// under the key they were written with.
//
// Re-wrapping, not re-encrypting: each version's data key is unwrapped with the old KMS key and wrapped
// with the new one; the value's ciphertext is sealed by the data key, which does not change, so it stays
// byte for byte. That is less work, never opens a plaintext value, and keeps the value's AAD binding as it
// was. A version whose old key is unusable (disabled, pending deletion) fails the whole update with
// DecryptionFailure, and nothing is written.
import type { Tx } from '../../store/db.ts';
import type { KeyRow } from '../kms/key-service.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow } from './secret-store.ts';
import type { ValueCrypto } from './value-crypto.ts';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from './versions.ts';

export const REKEYED_STAGES = [AWSCURRENT, AWSPREVIOUS, AWSPENDING];

/** Re-wraps the labelled versions' data keys under `key`; returns the version ids it changed. */
export async function rekeyLabelledVersions(values: ValueCrypto, tx: Tx, scope: Scope, secret: SecretRow, key: KeyRow): Promise<string[]> {
  const stages = await db.getStages(tx, secret.id);
  const versionIds = [...new Set(REKEYED_STAGES.map((s) => stages.get(s)).filter((v): v is string => v !== undefined))];
  const changed: string[] = [];
  for (const versionId of versionIds) {
    const version = await db.findVersion(tx, secret.id, versionId);
    // A rotation's AWSPENDING placeholder has no value; a version already under the key needs nothing.
    if (!version?.wrapped_key || !version.ciphertext || version.kms_key_id === key.key_id) continue;
    await db.updateVersion(tx, secret.id, versionId, await values.rewrap(scope, secret.id, version, key, tx));
    changed.push(versionId);
  }
  return changed;
}
