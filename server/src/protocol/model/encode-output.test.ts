// Response encoding: modelled members only, epoch-second dates, base64 bytes.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadServiceModel } from './index.ts';

const modelPath = (file: string) => fileURLToPath(new URL(`../../../../models/${file}`, import.meta.url));
const sm = loadServiceModel(modelPath('secretsmanager-2017-10-17.json'));
const kms = loadServiceModel(modelPath('kms-2014-11-01.json'));

const encode = (op: string, output: Record<string, unknown>, model = sm) => {
  const operation = model.operations.get(op);
  assert.ok(operation);
  return operation.encodeOutput(output);
};

describe('encodeOutput', () => {
  it('turns Dates into epoch seconds with milliseconds as a fraction', () => {
    const out = encode('GetSecretValue', { ARN: 'arn', CreatedDate: new Date(1700000000123) });
    assert.deepEqual(out, { ARN: 'arn', CreatedDate: 1700000000.123 });
    assert.equal(JSON.stringify(out), '{"ARN":"arn","CreatedDate":1700000000.123}');
  });

  it('turns Buffers and Uint8Arrays into base64', () => {
    assert.deepEqual(encode('GetSecretValue', { SecretBinary: Buffer.from('hello') }), { SecretBinary: 'aGVsbG8=' });
    const view = new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4);
    assert.deepEqual(encode('Encrypt', { CiphertextBlob: view, KeyId: 'k' }, kms), { CiphertextBlob: 'AQID', KeyId: 'k' });
  });

  it('drops members the model does not declare, and undefined or null ones', () => {
    assert.deepEqual(
      encode('GetSecretValue', { Name: 'n', VersionId: undefined, SecretString: null, internalKeyId: 'leak', DataKey: Buffer.from('x') }),
      { Name: 'n' },
    );
  });

  it('walks lists, maps and nested structures', () => {
    const out = encode('BatchGetSecretValue', {
      SecretValues: [{ Name: 'a', SecretBinary: Buffer.from([255]), CreatedDate: new Date(1000), Extra: 1 }],
      Errors: [{ SecretId: 'b', ErrorCode: 'ResourceNotFoundException', Message: 'gone' }],
    });
    assert.deepEqual(out, {
      SecretValues: [{ Name: 'a', SecretBinary: '/w==', CreatedDate: 1 }],
      Errors: [{ SecretId: 'b', ErrorCode: 'ResourceNotFoundException', Message: 'gone' }],
    });
    const described = encode('DescribeSecret', { Name: 'n', VersionIdsToStages: { v1: ['AWSCURRENT'] }, Tags: [{ Key: 'k', Value: 'v' }] });
    assert.deepEqual(described, { Name: 'n', Tags: [{ Key: 'k', Value: 'v' }], VersionIdsToStages: { v1: ['AWSCURRENT'] } });
  });

  it('answers {} for operations without an output shape', () => {
    assert.deepEqual(encode('TagResource', { anything: 1 }), {});
  });

  it('refuses a string for a blob member (a service bug, not a client error)', () => {
    assert.throws(() => encode('GetSecretValue', { SecretBinary: 'aGk=' }), TypeError);
  });
});
