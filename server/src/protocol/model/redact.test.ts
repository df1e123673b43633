// Redaction of sensitive members for logs and audit.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadServiceModel, redactSensitive, REDACTED } from './index.ts';

const modelPath = (file: string) => fileURLToPath(new URL(`../../../../models/${file}`, import.meta.url));
const sm = loadServiceModel(modelPath('secretsmanager-2017-10-17.json'));
const kms = loadServiceModel(modelPath('kms-2014-11-01.json'));
const op = (name: string, model = sm) => {
  const operation = model.operations.get(name);
  assert.ok(operation);
  return operation;
};

describe('redactSensitive', () => {
  it('replaces sensitive input members and leaves the original untouched', () => {
    const input = { Name: 'db', SecretString: 'hunter2', SecretBinary: Buffer.from('x'), Tags: [{ Key: 'k', Value: 'v' }] };
    const copy = redactSensitive(op('CreateSecret'), 'input', input);
    assert.deepEqual(copy, { Name: 'db', SecretString: REDACTED, SecretBinary: REDACTED, Tags: [{ Key: 'k', Value: 'v' }] });
    assert.equal(input.SecretString, 'hunter2');
    assert.equal(REDACTED, '***');
  });

  it('replaces sensitive output members, nested in lists too', () => {
    assert.deepEqual(redactSensitive(op('GetRandomPassword'), 'output', { RandomPassword: 'p@ss' }), { RandomPassword: '***' });
    assert.deepEqual(
      redactSensitive(op('BatchGetSecretValue'), 'output', { SecretValues: [{ Name: 'a', SecretString: 's' }, { Name: 'b', SecretBinary: 'AA==' }] }),
      { SecretValues: [{ Name: 'a', SecretString: '***' }, { Name: 'b', SecretBinary: '***' }] },
    );
    assert.deepEqual(redactSensitive(op('GenerateDataKey', kms), 'output', { KeyId: 'k', Plaintext: Buffer.alloc(32), CiphertextBlob: 'AA==' }), {
      KeyId: 'k',
      Plaintext: '***',
      CiphertextBlob: 'AA==',
    });
  });

  it('keeps only modelled members, so nothing unmodelled reaches a log', () => {
    assert.deepEqual(redactSensitive(op('GetSecretValue'), 'output', { Name: 'n', rawDataKey: 'k' }), { Name: 'n' });
  });

  it('lists the sensitive member paths per operation', () => {
    assert.deepEqual(sm.sensitiveMembers.get('CreateSecret'), { input: ['SecretBinary', 'SecretString'], output: [] });
    assert.deepEqual(sm.sensitiveMembers.get('BatchGetSecretValue')?.output, ['SecretValues[].SecretBinary', 'SecretValues[].SecretString']);
    assert.deepEqual(sm.sensitiveMembers.get('RotateSecret'), { input: [], output: [] });
    assert.deepEqual(kms.sensitiveMembers.get('Encrypt'), { input: ['Plaintext'], output: [] });
    assert.deepEqual(op('GetRandomPassword').sensitive.output, ['RandomPassword']);
  });
});
