// Envelope encryption of secret values: each version gets its own data key, wrapped by the secret's KMS
// key; the value is sealed with that data key. Both layers are bound to (account, region, secret, version)
// so a ciphertext or wrapped key copied onto another row does not open.
import { open, seal, CryptoError } from '../../crypto/aead.ts';
import { awsErrors } from '../../errors/aws-errors.ts';
import { KeyUnavailableError, type KeyService } from '../kms/key-service.ts';
import type { KeyRow } from '../kms/key-service.ts';
import type { Executor } from '../../store/db.ts';
import type { ReadView } from '../../store/read-cache.ts';
import type { Scope, VersionRow } from './secret-store.ts';

export interface SecretValue {
  kind: 'string' | 'binary';
  bytes: Buffer;
}

function context(scope: Scope, secretId: string, versionId: string): string {
  return `secretsmanager:${scope.accountId}:${scope.region}:${secretId}:${versionId}`;
}

/** The value's own AAD: the same context as its data key's, marked as the value's. */
function valueAad(ctx: string): Buffer {
  return Buffer.from(`value:${ctx}`);
}

interface SealedValue {
  wrappedKey: Buffer;
  ciphertext: Buffer;
  kind: SecretValue['kind'];
}

function sealedValue(version: VersionRow): SealedValue {
  if (!version.wrapped_key || !version.ciphertext || !version.value_kind) throw new Error(`version ${version.version_id} has no value`);
  return { wrappedKey: version.wrapped_key, ciphertext: version.ciphertext, kind: version.value_kind as SecretValue['kind'] };
}

/** Opens the value with its data key, then wipes the key (the caller's copy). */
function openValue(dataKey: Buffer, sealed: SealedValue, ctx: string): SecretValue {
  try {
    return { kind: sealed.kind, bytes: open(dataKey, sealed.ciphertext, valueAad(ctx)) };
  } finally {
    dataKey.fill(0);
  }
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
    const ciphertext = seal(dataKey.plaintext, value.bytes, valueAad(ctx));
    dataKey.plaintext.fill(0);
    return { kms_key_id: key.key_id, wrapped_key: dataKey.blob, ciphertext, value_kind: value.kind };
  }

  /** Opens a version's value with the data key `dataKeyOf` gives for its wrapped key and context. */
  async function openVersion(scope: Scope, secretId: string, version: VersionRow, dataKeyOf: (blob: Buffer, ctx: string) => Promise<Buffer>): Promise<SecretValue> {
    const sealed = sealedValue(version);
    const ctx = context(scope, secretId, version.version_id);
    try {
      return openValue(await dataKeyOf(sealed.wrappedKey, ctx), sealed, ctx);
    } catch (err) {
      throw asDecryptionFailure(err);
    }
  }

  /**
   * The value of a version for a read: the data key through the request's view (read-cache.ts keeps
   * unwrapped data keys briefly, never values), the value opened afresh. The caller wipes the bytes once
   * it has what it answers with.
   */
  function readValue(view: ReadView, scope: Scope, secretId: string, version: VersionRow): Promise<SecretValue> {
    return openVersion(scope, secretId, version, (blob, ctx) => keys.readDataKey(view, scope, blob, ctx));
  }

  /** The value of a version, its key read with `db` (in a transaction: rotation, idempotent writes). */
  function decrypt(scope: Scope, secretId: string, version: VersionRow, db?: Executor): Promise<SecretValue> {
    return openVersion(scope, secretId, version, (blob, ctx) => keys.decryptDataKey(scope, blob, ctx, db));
  }

  /**
   * The version's data key wrapped under another KMS key, for re-keying: the value's ciphertext stays as
   * it is (it is sealed by the data key, which does not change), so the plaintext value is never opened.
   */
  async function rewrap(scope: Scope, secretId: string, version: VersionRow, key: KeyRow, db: Executor) {
    if (!version.wrapped_key) throw new Error(`version ${version.version_id} has no value`);
    const ctx = context(scope, secretId, version.version_id);
    let dataKey: Buffer;
    try {
      dataKey = await keys.decryptDataKey(scope, version.wrapped_key, ctx, db);
    } catch (err) {
      throw asDecryptionFailure(err);
    }
    try {
      return { kms_key_id: key.key_id, wrapped_key: keys.wrapDataKey(key, dataKey, ctx) };
    } catch (err) {
      throw asEncryptionFailure(err);
    } finally {
      dataKey.fill(0);
    }
  }

  return { encrypt, readValue, decrypt, rewrap };
}

export type ValueCrypto = ReturnType<typeof createValueCrypto>;

/** What KMS said, in the form AWS Secrets Manager quotes it. */
function kmsDetail(err: KeyUnavailableError): string {
  const status = err.reason === 'material-corrupt' || err.reason === 'root-key-missing' ? 500 : 400;
  return `${err.message} (Service: AWSKMS; Status Code: ${status}; Error Code: ${err.kmsCode})`;
}

/**
 * KMS and integrity failures while opening a value, as Secrets Manager reports them (AWS: "Secrets Manager
 * can't decrypt the secret value: arn:aws:kms:...:key/... is disabled. (Service: AWSKMS; Status Code: 400;
 * Error Code: DisabledException; ...)").
 */
export function asDecryptionFailure(err: unknown): Error {
  const prefix = "Secrets Manager can't decrypt the secret value: ";
  if (err instanceof KeyUnavailableError) {
    if (err.reason === 'deleted') {
      const when = err.deletedAt !== undefined ? ` on ${new Date(err.deletedAt).toISOString()}` : '';
      return awsErrors.decryptionFailure(
        `${prefix}${kmsDetail(err)}. The KMS key was deleted${when} and its key material destroyed: this version's value is unrecoverable.`,
      );
    }
    if (err.reason === 'bad-ciphertext') {
      return awsErrors.decryptionFailure(`${prefix}${kmsDetail(err)}. The stored data key was modified or does not belong to this secret version.`);
    }
    return awsErrors.decryptionFailure(`${prefix}${kmsDetail(err)}`);
  }
  if (err instanceof CryptoError) {
    return awsErrors.decryptionFailure(`${prefix}the stored ciphertext failed authentication: it was modified or does not belong to this secret version.`);
  }
  return err as Error;
}

/** KMS failures while protecting a new value, as Secrets Manager reports them. */
export function asEncryptionFailure(err: unknown): Error {
  if (err instanceof KeyUnavailableError) {
    if (err.reason === 'invalid-id') return awsErrors.invalidParameter(`The operation failed because of an invalid KMS key: ${err.message}`);
    return awsErrors.encryptionFailure(`Secrets Manager can't encrypt the secret value: ${kmsDetail(err)}`);
  }
  return err as Error;
}
