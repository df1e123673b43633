import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../errors/aws-errors.ts';
import { decodeMarker, encodeMarker, encryptionContextAad, keyMetadata, page } from './key-metadata.ts';
import { checkAliasName } from './key-aliases.ts';

const row = {
  key_id: '1234abcd-12ab-34cd-56ef-1234567890ab',
  account_id: '111122223333',
  region: 'eu-west-1',
  arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  description: 'd',
  key_state: 'PendingDeletion',
  key_manager: 'CUSTOMER',
  created_at: 1_000,
  deletion_date: 5_000,
  material_version: 1,
  rotation_enabled: 0,
  rotation_period_days: null,
  next_rotation_at: null,
  policy: null,
};

test('KeyMetadata: a symmetric AWS_KMS key; DeletionDate only while pending deletion; Enabled follows the state', () => {
  const m = keyMetadata(row);
  assert.deepEqual([m.Enabled, m.KeyState, m.DeletionDate], [false, 'PendingDeletion', new Date(5_000)]);
  assert.deepEqual([m.KeySpec, m.CustomerMasterKeySpec, m.EncryptionAlgorithms, m.Origin, m.MultiRegion], ['SYMMETRIC_DEFAULT', 'SYMMETRIC_DEFAULT', ['SYMMETRIC_DEFAULT'], 'AWS_KMS', false]);
  const enabled = keyMetadata({ ...row, key_state: 'Enabled', deletion_date: null });
  assert.deepEqual([enabled.Enabled, 'DeletionDate' in enabled], [true, false]);
});

test('an EncryptionContext is order-independent AAD, distinct for any change and from Secrets Manager contexts', () => {
  assert.deepEqual(encryptionContextAad({ a: '1', b: '2' }), encryptionContextAad({ b: '2', a: '1' }));
  assert.notDeepEqual(encryptionContextAad({ a: '1' }), encryptionContextAad({ a: '2' }));
  assert.notDeepEqual(encryptionContextAad({ a: '1', b: '2' }), encryptionContextAad({ 'a": "1", "b': '2' }));
  assert.deepEqual(encryptionContextAad(undefined), encryptionContextAad({}));
  assert.ok(encryptionContextAad({}).toString().startsWith('kms-api:'));
});

test('markers: round-trip within one listing; another listing or garbage is InvalidMarkerException', () => {
  assert.equal(decodeMarker(encodeMarker('keys', 'k1'), 'keys'), 'k1');
  assert.equal(decodeMarker(undefined, 'keys'), undefined);
  for (const bad of [encodeMarker('aliases:', 'k1'), 'garbage', '']) {
    assert.throws(() => decodeMarker(bad, 'keys'), (e: unknown) => e instanceof AwsError && e.code === 'InvalidMarkerException');
  }
});

test('page: limit + 1 rows mean more follow', () => {
  assert.deepEqual(page([1, 2, 3], 2, 'n', String), { items: [1, 2], Truncated: true, NextMarker: encodeMarker('n', '2') });
  assert.deepEqual(page([1, 2], 2, 'n', String), { items: [1, 2], Truncated: false });
});

test('alias names: the alias/ prefix, the reserved alias/aws/, no colon', () => {
  assert.equal(checkAliasName('alias/app/db'), 'alias/app/db');
  const code = (name: string) => {
    try {
      checkAliasName(name);
      return 'ok';
    } catch (e) {
      return (e as AwsError).code;
    }
  };
  assert.deepEqual(['app', 'alias/', 'alias/aws/x', 'alias/a:b'].map(code), ['ValidationException', 'ValidationException', 'NotAuthorizedException', 'ValidationException']);
});
