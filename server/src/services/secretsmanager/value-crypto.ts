// Envelope encryption of secret values: each version gets its own data key, wrapped by the secret's KMS
// key; the value is sealed with that data key. Both layers are bound to (account, region, secret, version)
// so a ciphertext or wrapped key copied onto another row does not open.
import { open, seal, CryptoError } from '../../crypto/aead.ts';
import { awsErrors } from '../../protocol/errors.ts';
import { KeyUnavailableError, type KeyService } from '../kms/key-service.ts';
import type { KeyRow } from '../kms/key-service.ts';
import type { Executor } from '../../store/db.ts';
import type { Scope, VersionRow } from './secret-store.ts';

export interface SecretValue {
  kind: 'string' | 'binary';
  bytes: Buffer;
}

function context(scope: Scope, secretId: string, versionId: string): string {
  return `secretsmanager:${scope.accountId}:${scope.region}:${secretId}:${versionId}`;
}

export function createValueCrypto(keys: KeyService) {
  function encrypt(scope: Scope, key: KeyRow, secretId: string, versionId: string, value: SecretValue) {
    const ctx = context(scope, secretId, versionId);
    let dataKey;
    try {
      dataKey = keys.generateDataKey(key, ctx);
    } catch (err) {
      throw asEncryptionFailure(err);
    }
    const ciphertext = seal(dataKey.plaintext, value.bytes, Buffer.from(`value:${ctx}`));
    dataKey.plaintext.fill(0);
    return { kms_key_id: key.key_id, wrapped_key: dataKey.blob, ciphertext, value_kind: value.kind };
  }

  async function decrypt(scope: Scope, secretId: string, version: VersionRow, db?: Executor): Promise<SecretValue> {
    if (!version.wrapped_key || !version.ciphertext || !version.value_kind) {
      throw new Error(`version ${version.version_id} has no value`);
    }
    const ctx = context(scope, secretId, version.version_id);
    try {
      const dataKey = await keys.decryptDataKey(scope, version.wrapped_key, ctx, db);
      const bytes = open(dataKey, version.ciphertext, Buffer.from(`value:${ctx}`));
      dataKey.fill(0);
      return { kind: version.value_kind as SecretValue['kind'], bytes };
    } catch (err) {
      if (err instanceof KeyUnavailableError || err instanceof CryptoError) {
        throw awsErrors.decryptionFailure(`Secrets Manager can't decrypt the protected secret text using the provided KMS key: ${err.message}`);
      }
      throw err;
    }
  }

  return { encrypt, decrypt };
}

export type ValueCrypto = ReturnType<typeof createValueCrypto>;

/** KMS failures while protecting a new value, as Secrets Manager reports them. */
export function asEncryptionFailure(err: unknown): Error {
  if (err instanceof KeyUnavailableError) {
    if (err.reason === 'invalid-id') return awsErrors.invalidParameter(`The operation failed because of an invalid KMS key: ${err.message}`);
    return awsErrors.encryptionFailure(`Secrets Manager can't encrypt the secret value: ${err.message}`);
  }
  return err as Error;
}
