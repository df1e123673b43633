// Why a key could not be used, independent of the API that asked. The KMS API answers with the KMS error
// type (kmsCode); Secrets Manager wraps the same facts in its DecryptionFailure / EncryptionFailure.

export type KeyUnavailableReason =
  | 'invalid-id'
  | 'not-found'
  | 'disabled'
  | 'pending-deletion'
  | 'bad-ciphertext'
  | 'deleted'
  /** the key's sealed material does not open under the root key: modified in the database */
  | 'material-corrupt'
  /** the key's material is sealed with a root key this server does not hold (rotated by another server) */
  | 'root-key-missing';

const KMS_CODES: Record<KeyUnavailableReason, string> = {
  'invalid-id': 'NotFoundException',
  'not-found': 'NotFoundException',
  deleted: 'NotFoundException',
  disabled: 'DisabledException',
  'pending-deletion': 'KMSInvalidStateException',
  'bad-ciphertext': 'InvalidCiphertextException',
  'material-corrupt': 'KMSInternalException',
  'root-key-missing': 'KMSInternalException',
};

export class KeyUnavailableError extends Error {
  constructor(
    readonly reason: KeyUnavailableReason,
    message: string,
    /** for 'deleted': when the key's material was destroyed (the end of its deletion window) */
    readonly deletedAt?: number,
  ) {
    super(message);
  }

  /** The error type AWS KMS answers with for this reason. */
  get kmsCode(): string {
    return KMS_CODES[this.reason];
  }
}
