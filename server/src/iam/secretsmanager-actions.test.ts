// The action tables against the models: every Secrets Manager operation of the model has an entry, every
// condition key an entry lists is a known key, and every KMS operation Coffer serves maps to kms: actions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KMS_OPERATIONS } from './kms-actions.ts';
import { iamPolicySize, isValidPolicyName, POLICY_LIMITS } from './limits.ts';
import { SECRETS_MANAGER_OPERATIONS, secretsManagerAction, type SecretsManagerOperation } from './secretsmanager-actions.ts';
import { SECRETS_MANAGER_CONDITION_KEYS, tagContext } from './secretsmanager-condition-keys.ts';

function modelOperations(file: string): string[] {
  const path = fileURLToPath(new URL(`../../../models/${file}`, import.meta.url));
  return Object.keys(JSON.parse(readFileSync(path, 'utf8')).operations).sort();
}

describe('Secrets Manager action table', () => {
  const operations = modelOperations('secretsmanager-2017-10-17.json');

  it('covers exactly the operations of the model', () => {
    assert.deepEqual(Object.keys(SECRETS_MANAGER_OPERATIONS).sort(), operations);
  });

  for (const name of operations) {
    it(`${name} -> secretsmanager:${name}`, () => {
      const entry = SECRETS_MANAGER_OPERATIONS[name as SecretsManagerOperation];
      assert.equal(entry.action, `secretsmanager:${name}`);
      assert.equal(secretsManagerAction(name), `secretsmanager:${name}`);
      for (const key of entry.conditionKeys) assert.ok(key in SECRETS_MANAGER_CONDITION_KEYS, `${name}: unknown condition key ${key}`);
      for (const k of entry.kms) assert.match(k.action, /^kms:(Decrypt|Encrypt|GenerateDataKey)$/);
    });
  }

  it('names the KMS permissions the model asks for', () => {
    const kms = (op: SecretsManagerOperation) => SECRETS_MANAGER_OPERATIONS[op].kms.map((k) => `${k.action}@${k.key}`);
    assert.deepEqual(kms('GetSecretValue'), ['kms:Decrypt@secret']);
    assert.deepEqual(kms('BatchGetSecretValue'), ['kms:Decrypt@secret']);
    assert.deepEqual(kms('CreateSecret'), ['kms:GenerateDataKey@requested', 'kms:Decrypt@requested']);
    assert.deepEqual(kms('PutSecretValue'), ['kms:GenerateDataKey@secret']);
    assert.ok(kms('UpdateSecret').includes('kms:Encrypt@requested'));
    assert.deepEqual(kms('ReplicateSecretToRegions'), ['kms:Decrypt@secret', 'kms:GenerateDataKey@replica', 'kms:Encrypt@replica']);
    assert.deepEqual(kms('DescribeSecret'), []);
  });

  it('records the extra Secrets Manager actions of the reference', () => {
    assert.deepEqual(SECRETS_MANAGER_OPERATIONS.BatchGetSecretValue.alsoRequires.map((a) => a.action), ['secretsmanager:GetSecretValue', 'secretsmanager:ListSecrets']);
    assert.deepEqual(SECRETS_MANAGER_OPERATIONS.CreateSecret.alsoRequires.map((a) => a.action), ['secretsmanager:TagResource', 'secretsmanager:ReplicateSecretToRegions']);
    assert.deepEqual(SECRETS_MANAGER_OPERATIONS.ValidateResourcePolicy.alsoRequires.map((a) => a.action), ['secretsmanager:PutResourcePolicy']);
  });

  it('actions without a resource type are the account-wide ones', () => {
    const none = Object.entries(SECRETS_MANAGER_OPERATIONS).filter(([, v]) => v.resource === 'none').map(([k]) => k).sort();
    assert.deepEqual(none, ['BatchGetSecretValue', 'GetRandomPassword', 'ListSecrets']);
  });

  it('GetSecretValue supports the version keys; PutResourcePolicy BlockPublicPolicy', () => {
    assert.ok(SECRETS_MANAGER_OPERATIONS.GetSecretValue.conditionKeys.includes('secretsmanager:VersionStage'));
    assert.ok(SECRETS_MANAGER_OPERATIONS.GetSecretValue.conditionKeys.includes('secretsmanager:VersionId'));
    assert.ok(SECRETS_MANAGER_OPERATIONS.PutResourcePolicy.conditionKeys.includes('secretsmanager:BlockPublicPolicy'));
    assert.ok(SECRETS_MANAGER_OPERATIONS.RotateSecret.conditionKeys.includes('secretsmanager:RotationLambdaARN'));
  });

  it('secretsManagerAction() refuses names that are not operations', () => {
    assert.equal(secretsManagerAction('toString'), undefined);
    assert.equal(secretsManagerAction('GetSecret'), undefined);
  });

  it('tagContext sets both resource tag forms', () => {
    assert.deepEqual(tagContext('aws:ResourceTag', { team: 'blue' }), { 'aws:ResourceTag/team': 'blue', 'secretsmanager:ResourceTag/team': 'blue' });
    assert.deepEqual(tagContext('aws:RequestTag', { team: 'blue' }), { 'aws:RequestTag/team': 'blue' });
  });
});

describe('KMS action table', () => {
  const model = new Set(modelOperations('kms-2014-11-01.json'));
  for (const [op, perms] of Object.entries(KMS_OPERATIONS)) {
    it(`${op} is a KMS operation and maps to kms: actions`, () => {
      assert.ok(model.has(op), `${op} is not in the KMS model`);
      assert.ok(perms.checks.length > 0);
      for (const c of perms.checks) assert.match(c.action, /^kms:[A-Za-z]+$/);
    });
  }
  it('ReEncrypt needs ReEncryptFrom and ReEncryptTo', () => {
    assert.deepEqual(KMS_OPERATIONS.ReEncrypt.checks.map((c) => c.action), ['kms:ReEncryptFrom', 'kms:ReEncryptTo']);
  });
});

describe('limits', () => {
  it('states the quotas', () => {
    assert.equal(POLICY_LIMITS.resourcePolicyMaxChars, 20480);
    assert.equal(POLICY_LIMITS.userInlinePoliciesMaxChars, 2048);
    assert.equal(POLICY_LIMITS.managedPolicyMaxChars, 6144);
  });
  it('iamPolicySize does not count white space', () => {
    assert.equal(iamPolicySize('{ "a" :\n\t"b c" }'), 10);
    assert.equal(iamPolicySize(''), 0);
  });
  it('policy names', () => {
    for (const ok of ['read-app', 'a', 'A_b=c,d.e@f+g', 'x'.repeat(128)]) assert.equal(isValidPolicyName(ok), true, ok);
    for (const bad of ['', 'with space', 'slash/', 'x'.repeat(129), 'ü']) assert.equal(isValidPolicyName(bad), false, bad);
  });
});
