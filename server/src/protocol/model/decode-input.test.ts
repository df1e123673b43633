// Request decoding and validation against the real Secrets Manager and KMS models, with AWS's exact
// ValidationException texts.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors/aws-errors.ts';
import { loadServiceModel } from './index.ts';

const modelPath = (file: string) => fileURLToPath(new URL(`../../../../models/${file}`, import.meta.url));
const sm = loadServiceModel(modelPath('secretsmanager-2017-10-17.json'));
const kms = loadServiceModel(modelPath('kms-2014-11-01.json'));

function decode(op: string, body: unknown, model = sm): Record<string, unknown> {
  const operation = model.operations.get(op);
  assert.ok(operation, `operation ${op}`);
  return operation.decodeInput(body);
}

function rejects(op: string, body: unknown, code: string, message: string, model = sm): void {
  assert.throws(
    () => decode(op, body, model),
    (err: unknown) => {
      assert.ok(err instanceof AwsError, 'an AwsError');
      assert.equal(err.code, code);
      assert.equal(err.status, 400);
      assert.equal(err.message, message);
      return true;
    },
  );
}

const one = (text: string) => `1 validation error detected: ${text}`;

describe('decodeInput: values', () => {
  it('returns PascalCase members and drops unknown ones', () => {
    assert.deepEqual(decode('GetSecretValue', { SecretId: 'prod/db', VersionStage: 'AWSCURRENT', Bogus: { a: 1 } }), {
      SecretId: 'prod/db',
      VersionStage: 'AWSCURRENT',
    });
  });

  it('treats null members as absent', () => {
    assert.deepEqual(decode('GetSecretValue', { SecretId: 'x', VersionId: null }), { SecretId: 'x' });
    rejects('GetSecretValue', { SecretId: null }, 'ValidationException', one("Value null at 'secretId' failed to satisfy constraint: Member must not be null"));
  });

  it('accepts an operation body with only optional members empty', () => {
    assert.deepEqual(decode('ListSecrets', {}), {});
  });

  it('decodes base64 blobs to Buffers', () => {
    const out = decode('CreateSecret', { Name: 'n', SecretBinary: Buffer.from('hello').toString('base64') });
    assert.ok(Buffer.isBuffer(out.SecretBinary));
    assert.equal((out.SecretBinary as Buffer).toString(), 'hello');
  });

  it('decodes epoch-second timestamps (fractional) to Dates', () => {
    const out = decode('ImportKeyMaterial', { KeyId: 'k', ImportToken: 'AA==', EncryptedKeyMaterial: 'AA==', ValidTo: 1700000000.5 }, kms);
    assert.ok(out.ValidTo instanceof Date);
    assert.equal((out.ValidTo as Date).getTime(), 1700000000500);
  });

  it('decodes nested lists of structures and maps', () => {
    assert.deepEqual(decode('ListSecrets', { Filters: [{ Key: 'name', Values: ['a', '!b'] }], SortOrder: 'asc' }), {
      Filters: [{ Key: 'name', Values: ['a', '!b'] }],
      SortOrder: 'asc',
    });
    const out = decode('Encrypt', { KeyId: 'k', Plaintext: 'AQID', EncryptionContext: { tenant: 't-1', gone: null } }, kms);
    assert.deepEqual(out.EncryptionContext, { tenant: 't-1' });
    const withProto = decode('Encrypt', JSON.parse('{"KeyId":"k","Plaintext":"AQID","EncryptionContext":{"__proto__":"x"}}'), kms);
    const context = withProto.EncryptionContext as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(context), Object.prototype, 'a "__proto__" key must not change the prototype');
    assert.equal(Object.getOwnPropertyDescriptor(context, '__proto__')?.value, 'x');
  });

  it('truncates a fractional number sent for an integer member, as AWS does', () => {
    assert.deepEqual(decode('GetRandomPassword', { PasswordLength: 32.9 }), { PasswordLength: 32 });
  });

  it('drops null list elements', () => {
    assert.deepEqual(decode('BatchGetSecretValue', { SecretIdList: ['a', null, 'b'] }), { SecretIdList: ['a', 'b'] });
  });
});

describe('decodeInput: constraint messages', () => {
  it('string max length', () => {
    const name = 'a'.repeat(513);
    rejects('CreateSecret', { Name: name }, 'ValidationException', one(`Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512`));
  });

  it('string min length', () => {
    rejects(
      'CreateSecret',
      { Name: 'n', ClientRequestToken: 'abcdefghij' },
      'ValidationException',
      one("Value 'abcdefghij' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32"),
    );
  });

  it('counts string length in UTF-16 code units like Java', () => {
    assert.doesNotThrow(() => decode('CreateSecret', { Name: '😀'.repeat(256) }));
    assert.throws(() => decode('CreateSecret', { Name: '😀'.repeat(257) }), /length less than or equal to 512/);
  });

  it('refuses U+0000 in strings that are stored as text, keeps it in sensitive ones', () => {
    const nul = 'Member must not contain the character U+0000';
    rejects('UpdateSecret', { SecretId: 's', Description: 'a\u0000b' }, 'ValidationException', one(`Value 'a\u0000b' at 'description' failed to satisfy constraint: ${nul}`));
    rejects('TagResource', { SecretId: 's', Tags: [{ Key: 'k', Value: '\u0000' }] }, 'ValidationException', one(`Value '\u0000' at 'tags.1.member.value' failed to satisfy constraint: ${nul}`));
    rejects('Encrypt', { KeyId: 'k', Plaintext: 'AQID', EncryptionContext: { 'a\u0000': 'v' } }, 'ValidationException', one(`Value '{a\u0000=v}' at 'encryptionContext' failed to satisfy constraint: Map keys must satisfy constraint: [${nul}]`), kms);
    assert.equal(decode('PutSecretValue', { SecretId: 's', SecretString: 'x\u0000y' }).SecretString, 'x\u0000y');
  });

  it('enum', () => {
    rejects('ListSecrets', { SortOrder: 'up' }, 'ValidationException', one("Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]"));
  });

  it('enum inside a list of structures uses the .N.member path', () => {
    rejects(
      'ListSecrets',
      { Filters: [{ Key: 'bogus', Values: ['x'] }] },
      'ValidationException',
      one(
        "Value 'bogus' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]",
      ),
    );
  });

  it('number range (long)', () => {
    rejects('GetRandomPassword', { PasswordLength: 0 }, 'ValidationException', one("Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1"));
    rejects('GetRandomPassword', { PasswordLength: 5000 }, 'ValidationException', one("Value '5000' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096"));
  });

  it('number range (integer)', () => {
    rejects('ListSecrets', { MaxResults: 101 }, 'ValidationException', one("Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"));
  });

  it('blob length in bytes, sensitive value not echoed', () => {
    const tooBig = Buffer.alloc(65537, 1).toString('base64');
    rejects('CreateSecret', { Name: 'n', SecretBinary: tooBig }, 'ValidationException', one("Value at 'secretBinary' failed to satisfy constraint: Member must have length less than or equal to 65536"));
  });

  it('non-sensitive blob echoed the way Java prints a ByteBuffer', () => {
    rejects(
      'Decrypt',
      { CiphertextBlob: '' },
      'ValidationException',
      one("Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1"),
      kms,
    );
  });

  it('sensitive string not echoed', () => {
    rejects('CreateSecret', { Name: 'n', SecretString: 'x'.repeat(65537) }, 'ValidationException', one("Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536"));
    rejects('CreateSecret', { Name: 'n', SecretString: '' }, 'ValidationException', one("Value at 'secretString' failed to satisfy constraint: Member must have length greater than or equal to 1"));
  });

  it('sensitive required member missing is not echoed either', () => {
    rejects('Encrypt', { KeyId: 'k' }, 'ValidationException', one("Value at 'plaintext' failed to satisfy constraint: Member must not be null"), kms);
  });

  it('pattern must match the whole value', () => {
    assert.doesNotThrow(() => decode('RotateSecret', { SecretId: 's', RotationRules: { Duration: '2h' } }));
    rejects('RotateSecret', { SecretId: 's', RotationRules: { Duration: 'x2h' } }, 'ValidationException', one("Value 'x2h' at 'rotationRules.duration' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+h"));
  });

  it('pattern with Java identity escapes', () => {
    assert.doesNotThrow(() => decode('ListSecrets', { Filters: [{ Key: 'name', Values: ['!prod/db-1=a+b@c'] }] }));
    rejects(
      'ListSecrets',
      { Filters: [{ Key: 'name', Values: ['ok', 'bad%'] }] },
      'ValidationException',
      one("Value 'bad%' at 'filters.1.member.values.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$"),
    );
  });

  it('list length, echoed as a Java list', () => {
    rejects('CreateSecret', { Name: 'n', AddReplicaRegions: [] }, 'ValidationException', one("Value '[]' at 'addReplicaRegions' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    rejects(
      'ListSecrets',
      { Filters: [{ Key: 'name', Values: Array.from({ length: 11 }, (_, i) => `v${i}`) }] },
      'ValidationException',
      one("Value '[v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10]' at 'filters.1.member.values' failed to satisfy constraint: Member must have length less than or equal to 10"),
    );
  });

  it('counts and joins several violations, in model member order, nested paths included', () => {
    const name = 'a'.repeat(513);
    rejects(
      'CreateSecret',
      {
        SecretString: 'x'.repeat(65537),
        Name: name,
        ClientRequestToken: 'short',
        Tags: [{ Key: '', Value: 'ok' }, { Key: 'k', Value: 'v'.repeat(257) }],
        AddReplicaRegions: [{ Region: 'moon' }],
      },
      'ValidationException',
      '6 validation errors detected: ' +
        [
          `Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512`,
          "Value 'short' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32",
          "Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
          "Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
          `Value '${'v'.repeat(257)}' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
          "Value 'moon' at 'addReplicaRegions.1.member.region' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-)+\\d+$",
        ].join('; '),
    );
  });

  it('reports a container before its elements and every failed rule of one value', () => {
    rejects(
      'ListSecrets',
      { Filters: Array.from({ length: 11 }, () => ({ Key: 'name', Values: ['a'] })).concat([{ Key: 'no', Values: ['a'] }]) },
      'ValidationException',
      '2 validation errors detected: ' +
        `Value '[${Array(11).fill('Filter(Key=name, Values=[a])').join(', ')}, Filter(Key=no, Values=[a])]' at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10; ` +
        "Value 'no' at 'filters.12.member.key' failed to satisfy constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]",
    );
    rejects(
      'RotateSecret',
      { SecretId: 's', RotationRules: { Duration: 'abcd' } },
      'ValidationException',
      '2 validation errors detected: ' +
        "Value 'abcd' at 'rotationRules.duration' failed to satisfy constraint: Member must have length less than or equal to 3; " +
        "Value 'abcd' at 'rotationRules.duration' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+h",
    );
  });

  it('KMS: required, enum and pattern', () => {
    rejects(
      'CreateAlias',
      { AliasName: 'bad name!' },
      'ValidationException',
      '2 validation errors detected: ' +
        "Value 'bad name!' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$; " +
        "Value null at 'targetKeyId' failed to satisfy constraint: Member must not be null",
      kms,
    );
    rejects(
      'GenerateDataKey',
      { KeyId: 'k', KeySpec: 'AES_512' },
      'ValidationException',
      one("Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]"),
      kms,
    );
  });
});
