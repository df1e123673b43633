// SerializationException for JSON values of the wrong type, and strict base64 for blobs.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors/aws-errors.ts';
import { loadServiceModel } from './index.ts';

const modelPath = (file: string) => fileURLToPath(new URL(`../../../../models/${file}`, import.meta.url));
const sm = loadServiceModel(modelPath('secretsmanager-2017-10-17.json'));
const kms = loadServiceModel(modelPath('kms-2014-11-01.json'));

function serializationError(op: string, body: unknown, message: string, model = sm): void {
  assert.throws(
    () => model.operations.get(op)?.decodeInput(body),
    (err: unknown) => {
      assert.ok(err instanceof AwsError, 'an AwsError');
      assert.equal(err.code, 'SerializationException');
      assert.equal(err.status, 400);
      assert.equal(err.message, message);
      return true;
    },
    `${op} ${JSON.stringify(body)}`,
  );
}

const LIST = 'Start of list found where not expected';
const MAP = 'Start of structure or map found where not expected.';

describe('decodeInput: wrong JSON types', () => {
  it('body that is not an object', () => {
    serializationError('ListSecrets', [], LIST);
    for (const body of [null, 'x', 5, true]) serializationError('ListSecrets', body, '');
  });

  it('string members', () => {
    serializationError('GetSecretValue', { SecretId: 5 }, 'NUMBER_VALUE can not be converted to a String');
    serializationError('GetSecretValue', { SecretId: 1.5 }, 'NUMBER_VALUE can not be converted to a String');
    serializationError('GetSecretValue', { SecretId: true }, 'TRUE_VALUE can not be converted to a String');
    serializationError('GetSecretValue', { SecretId: false }, 'FALSE_VALUE can not be converted to a String');
    serializationError('GetSecretValue', { SecretId: ['x'] }, LIST);
    serializationError('GetSecretValue', { SecretId: { a: 1 } }, MAP);
  });

  it('integer and long members', () => {
    serializationError('ListSecrets', { MaxResults: '5' }, 'STRING_VALUE can not be converted to an Integer');
    serializationError('ListSecrets', { MaxResults: true }, 'TRUE_VALUE can not be converted to an Integer');
    serializationError('ListSecrets', { MaxResults: [1] }, LIST);
    serializationError('ListSecrets', { MaxResults: {} }, MAP);
    serializationError('GetRandomPassword', { PasswordLength: '12' }, 'STRING_VALUE can not be converted to a Long');
    serializationError('GetRandomPassword', { PasswordLength: false }, 'FALSE_VALUE can not be converted to a Long');
  });

  it('boolean members', () => {
    serializationError('ListSecrets', { IncludePlannedDeletion: 1 }, 'NUMBER_VALUE can not be converted to a Boolean');
    serializationError('ListSecrets', { IncludePlannedDeletion: 'true' }, 'STRING_VALUE can not be converted to a Boolean');
    serializationError('ListSecrets', { IncludePlannedDeletion: [] }, LIST);
  });

  it('list members', () => {
    serializationError('ListSecrets', { Filters: 'name' }, 'Expected list or null');
    serializationError('ListSecrets', { Filters: 3 }, 'Expected list or null');
    serializationError('ListSecrets', { Filters: {} }, MAP);
    serializationError('ListSecrets', { Filters: [{ Key: 'name', Values: [7] }] }, 'NUMBER_VALUE can not be converted to a String');
  });

  it('structure members', () => {
    serializationError('RotateSecret', { SecretId: 's', RotationRules: 'daily' }, 'Expected null');
    serializationError('RotateSecret', { SecretId: 's', RotationRules: [] }, LIST);
    serializationError('ListSecrets', { Filters: ['name'] }, 'Expected null');
    serializationError('ListSecrets', { Filters: [[]] }, LIST);
  });

  it('map members', () => {
    serializationError('Encrypt', { KeyId: 'k', Plaintext: 'AA==', EncryptionContext: [] }, LIST, kms);
    serializationError('Encrypt', { KeyId: 'k', Plaintext: 'AA==', EncryptionContext: 'x' }, 'Expected map or null', kms);
    serializationError('Encrypt', { KeyId: 'k', Plaintext: 'AA==', EncryptionContext: { a: 1 } }, 'NUMBER_VALUE can not be converted to a String', kms);
  });

  it('timestamp members', () => {
    const body = { KeyId: 'k', ImportToken: 'AA==', EncryptedKeyMaterial: 'AA==' };
    serializationError('ImportKeyMaterial', { ...body, ValidTo: '2030-01-01' }, 'STRING_VALUE can not be converted to a Timestamp', kms);
  });

  it('a type error wins over constraint violations found earlier', () => {
    serializationError('CreateSecret', { Name: 'a'.repeat(600), ClientRequestToken: 'x', SecretString: 5 }, 'NUMBER_VALUE can not be converted to a String');
  });
});

describe('decodeInput: base64 blobs', () => {
  const decrypt = (blob: unknown) => ({ CiphertextBlob: blob });

  it('non-string blobs', () => {
    serializationError('Decrypt', decrypt(12), 'NUMBER_VALUE can not be converted to a Blob', kms);
    serializationError('Decrypt', decrypt(true), 'TRUE_VALUE can not be converted to a Blob', kms);
    serializationError('Decrypt', decrypt([]), LIST, kms);
  });

  it('length not a multiple of 4', () => {
    serializationError('Decrypt', decrypt('23456'), "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5", kms);
  });

  it('characters outside the alphabet or padding in the middle', () => {
    serializationError('Decrypt', decrypt('ab$='), "'ab$=' can not be converted to a Blob: Invalid Base64 character: '$'", kms);
    serializationError('Decrypt', decrypt('=+/='), "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='", kms);
    serializationError('Decrypt', decrypt('YW J'), "'YW J' can not be converted to a Blob: Invalid Base64 character: ' '", kms);
  });

  it('non-canonical trailing bits', () => {
    serializationError('Decrypt', decrypt('+/+='), "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected", kms);
  });

  it('never echoes a sensitive blob', () => {
    serializationError('CreateSecret', { Name: 'n', SecretBinary: 'c2VjcmV0$A==' }, "'***' can not be converted to a Blob: Invalid Base64 character");
    serializationError('Encrypt', { KeyId: 'k', Plaintext: 'abc' }, "'***' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3", kms);
  });

  it('accepts canonical base64, including empty and padded values', () => {
    const op = kms.operations.get('Decrypt');
    assert.equal((op?.decodeInput(decrypt('aGk=')).CiphertextBlob as Buffer).toString(), 'hi');
    assert.equal((op?.decodeInput(decrypt('aGVsbG8gd29ybGQh')).CiphertextBlob as Buffer).toString(), 'hello world!');
  });
});
