// The cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and
// GenerateRandom. Ciphertext blobs name their key and material version, so Decrypt needs no KeyId; the
// EncryptionContext is bound as additional authenticated data and must be given again to decrypt.
import type {
  DecryptRequest,
  DecryptResponse,
  EncryptRequest,
  EncryptResponse,
  GenerateDataKeyRequest,
  GenerateDataKeyResponse,
  GenerateDataKeyWithoutPlaintextRequest,
  GenerateDataKeyWithoutPlaintextResponse,
  GenerateRandomRequest,
  GenerateRandomResponse,
  ReEncryptRequest,
  ReEncryptResponse,
} from '@aws-sdk/client-kms';
import { decodeBlob } from './ciphertext-blob.ts';
import { encryptionContextAad, SYMMETRIC_DEFAULT } from './key-metadata.ts';
import type { KeyRow } from './key-service.ts';
import { requireCustomerManaged, type KmsScope, type KmsServiceDeps } from './kms-context.ts';
import { kmsErrors } from './kms-errors.ts';

const DATA_KEY_BYTES: Record<string, number> = { AES_256: 32, AES_128: 16 };

export function createKeyCrypto(deps: KmsServiceDeps) {
  const { keys, randomBytes } = deps;

  /** The key for a new ciphertext: any KeyId form, a customer managed key (see kms-context.ts). */
  async function encryptingKey(scope: KmsScope, keyRef: string, action: string, algorithm: string | undefined): Promise<KeyRow> {
    const row = await keys.resolve(scope, keyRef);
    requireCustomerManaged(scope, row, action);
    checkAlgorithm(row, algorithm);
    return row;
  }

  /** Opens a ciphertext; a KeyId given must name the key that made it (IncorrectKeyException). */
  async function open(scope: KmsScope, blob: Uint8Array, keyRef: string | undefined, context: Record<string, string> | undefined, action: string) {
    const bytes = Buffer.from(blob);
    const parts = decodeBlob(bytes);
    if (!parts) throw kmsErrors.invalidCiphertext('The ciphertext is not a valid Coffer KMS ciphertext blob.');
    if (keyRef !== undefined && (await keys.resolve(scope, keyRef)).key_id !== parts.keyId) throw kmsErrors.incorrectKey();
    const { row, plaintext } = await keys.unwrap(scope, bytes, encryptionContextAad(context));
    if (row.key_manager === 'AWS') {
      plaintext.fill(0);
      requireCustomerManaged(scope, row, action);
    }
    return { row, plaintext };
  }

  async function encrypt(scope: KmsScope, input: EncryptRequest): Promise<EncryptResponse> {
    const row = await encryptingKey(scope, input.KeyId!, 'Encrypt', input.EncryptionAlgorithm);
    if (input.DryRun) throw kmsErrors.dryRun();
    const blob = keys.wrap(row, Buffer.from(input.Plaintext!), encryptionContextAad(input.EncryptionContext));
    return { CiphertextBlob: blob, KeyId: row.arn, EncryptionAlgorithm: SYMMETRIC_DEFAULT };
  }

  async function decrypt(scope: KmsScope, input: DecryptRequest): Promise<DecryptResponse> {
    if (input.Recipient !== undefined) throw kmsErrors.unsupported('Coffer does not support Recipient (Nitro Enclaves attestation).');
    if (input.CiphertextBlob === undefined) throw kmsErrors.validation('1 validation error detected: Value null at \'ciphertextBlob\' failed to satisfy constraint: Member must not be null');
    const { row, plaintext } = await open(scope, input.CiphertextBlob, input.KeyId, input.EncryptionContext, 'Decrypt');
    checkAlgorithm(row, input.EncryptionAlgorithm);
    if (input.DryRun) throw kmsErrors.dryRun();
    return { KeyId: row.arn, Plaintext: plaintext, EncryptionAlgorithm: SYMMETRIC_DEFAULT };
  }

  async function reEncrypt(scope: KmsScope, input: ReEncryptRequest): Promise<ReEncryptResponse> {
    if (input.CiphertextBlob === undefined) throw kmsErrors.validation('1 validation error detected: Value null at \'ciphertextBlob\' failed to satisfy constraint: Member must not be null');
    const destination = await encryptingKey(scope, input.DestinationKeyId!, 'ReEncryptTo', input.DestinationEncryptionAlgorithm);
    const source = await open(scope, input.CiphertextBlob, input.SourceKeyId, input.SourceEncryptionContext, 'ReEncryptFrom');
    try {
      checkAlgorithm(source.row, input.SourceEncryptionAlgorithm);
      if (input.DryRun) throw kmsErrors.dryRun();
      const blob = keys.wrap(destination, source.plaintext, encryptionContextAad(input.DestinationEncryptionContext));
      return {
        CiphertextBlob: blob,
        SourceKeyId: source.row.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: SYMMETRIC_DEFAULT,
        DestinationEncryptionAlgorithm: SYMMETRIC_DEFAULT,
      };
    } finally {
      source.plaintext.fill(0);
    }
  }

  async function dataKey(scope: KmsScope, input: GenerateDataKeyRequest, action: string) {
    if (input.Recipient !== undefined) throw kmsErrors.unsupported('Coffer does not support Recipient (Nitro Enclaves attestation).');
    if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) {
      throw kmsErrors.validation('Please specify either number of bytes or key spec.');
    }
    const row = await encryptingKey(scope, input.KeyId!, action, undefined);
    if (input.DryRun) throw kmsErrors.dryRun();
    const plaintext = randomBytes(input.NumberOfBytes ?? DATA_KEY_BYTES[input.KeySpec!]);
    const blob = keys.wrap(row, plaintext, encryptionContextAad(input.EncryptionContext));
    return { row, plaintext, blob };
  }

  async function generateDataKey(scope: KmsScope, input: GenerateDataKeyRequest): Promise<GenerateDataKeyResponse> {
    const { row, plaintext, blob } = await dataKey(scope, input, 'GenerateDataKey');
    return { CiphertextBlob: blob, Plaintext: plaintext, KeyId: row.arn };
  }

  async function generateDataKeyWithoutPlaintext(scope: KmsScope, input: GenerateDataKeyWithoutPlaintextRequest): Promise<GenerateDataKeyWithoutPlaintextResponse> {
    const { row, plaintext, blob } = await dataKey(scope, input, 'GenerateDataKeyWithoutPlaintext');
    plaintext.fill(0);
    return { CiphertextBlob: blob, KeyId: row.arn };
  }

  async function generateRandom(_scope: KmsScope, input: GenerateRandomRequest): Promise<GenerateRandomResponse> {
    if (input.CustomKeyStoreId !== undefined) throw kmsErrors.unsupported('Coffer has no custom key stores.');
    if (input.Recipient !== undefined) throw kmsErrors.unsupported('Coffer does not support Recipient (Nitro Enclaves attestation).');
    if (input.NumberOfBytes === undefined) throw kmsErrors.validation('NumberOfBytes is required.');
    return { Plaintext: randomBytes(input.NumberOfBytes) };
  }

  return { encrypt, decrypt, reEncrypt, generateDataKey, generateDataKeyWithoutPlaintext, generateRandom };
}

/** Symmetric keys know one algorithm; asking for another is a key usage error, as in AWS. */
function checkAlgorithm(row: KeyRow, algorithm: string | undefined): void {
  if (algorithm !== undefined && algorithm !== SYMMETRIC_DEFAULT) {
    throw kmsErrors.invalidKeyUsage(`The encryption algorithm ${algorithm} is not valid for ${row.arn}, a symmetric encryption key: use ${SYMMETRIC_DEFAULT}.`);
  }
}
