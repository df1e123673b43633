// The Audit page's Resource column: one form (kind and name) whether the trail holds an ARN or, for a failed
// call, the name the request used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceLabel } from '../src/features/audit/resource.ts';

test('an ARN becomes its kind and name, the ARN kept for the tooltip', () => {
  const secret = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-credentials-a1B2c3';
  assert.deepEqual(resourceLabel(secret, undefined), { kind: 'secret', name: 'prod/db-credentials', arn: secret });
  const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  assert.deepEqual(resourceLabel(key, undefined), { kind: 'key', name: '1234abcd-12ab-34cd-56ef-1234567890ab', arn: key });
  assert.equal(resourceLabel('arn:aws:kms:us-east-1:111122223333:alias/orders', undefined)?.name, 'alias/orders');
  assert.deepEqual(resourceLabel('arn:aws:iam::111122223333:user/deploy', undefined), { kind: 'user', name: 'deploy', arn: 'arn:aws:iam::111122223333:user/deploy' });
  assert.equal(resourceLabel('arn:aws:lambda:us-east-1:111122223333:function:pg-single', undefined)?.name, 'pg-single');
});

test('a name as the request gave it: the request parameter it came from says its kind', () => {
  assert.deepEqual(resourceLabel('prod/db', { SecretId: 'prod/db' }), { kind: 'secret', name: 'prod/db' });
  assert.deepEqual(resourceLabel('alias/orders', { KeyId: 'alias/orders', Plaintext: '***' }), { kind: 'alias', name: 'alias/orders' });
  assert.deepEqual(resourceLabel('1234abcd-12ab-34cd-56ef-1234567890ab', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }), { kind: 'key', name: '1234abcd-12ab-34cd-56ef-1234567890ab' });
  assert.deepEqual(resourceLabel('deploy', { UserName: 'deploy' }), { kind: 'user', name: 'deploy' });
  assert.equal(resourceLabel(undefined, {}), undefined, 'a call about no resource');
});
