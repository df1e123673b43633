// The admin API (CofferAdmin.*): users, inline policies and access keys shaped like IAM's, who may call it,
// and access keys that stop working the moment they are deactivated or deleted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAdminError, expectAwsError, startAccessServer, type AccessServer, type Credentials } from './helpers.ts';

for (const backend of BACKENDS) describe(`admin API: users, policies, access keys (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  before(async () => {
    t = await startAccessServer({ backend: backend.name });
  });
  after(() => t.close());

  it('creates, gets, lists and deletes users as IAM does', async () => {
    const { User } = (await t.admin('CreateUser', { UserName: 'Carol', Path: '/team/', Tags: [{ Key: 'team', Value: 'blue' }] })) as { User: Record<string, unknown> };
    assert.equal(User.Arn, `arn:aws:iam::${t.accountId}:user/team/Carol`);
    assert.equal(User.Path, '/team/');
    assert.match(String(User.UserId), /^AIDA[A-Z2-7]{17}$/);
    assert.equal(typeof User.CreateDate, 'number', 'epoch seconds on the wire');
    assert.deepEqual(User.Tags, [{ Key: 'team', Value: 'blue' }]);
    // Names are unique regardless of case.
    await expectAdminError(t.admin('CreateUser', { UserName: 'carol' }), 'EntityAlreadyExistsException', 'User with name carol already exists.');
    const got = (await t.admin('GetUser', { UserName: 'CAROL' })) as { User: Record<string, unknown> };
    assert.equal(got.User.UserName, 'Carol');
    await t.admin('CreateUser', { UserName: 'dave' });
    const listed = (await t.admin('ListUsers', { PathPrefix: '/team/' })) as { Users: Array<Record<string, unknown>>; IsTruncated: boolean };
    assert.deepEqual(listed.Users.map((u) => u.UserName), ['Carol']);
    assert.equal(listed.Users[0].Tags, undefined, 'ListUsers leaves tags out, like IAM');
    const page1 = (await t.admin('ListUsers', { MaxItems: 1 })) as { Users: unknown[]; IsTruncated: boolean; Marker: string };
    assert.equal(page1.IsTruncated, true);
    const page2 = (await t.admin('ListUsers', { MaxItems: 1, Marker: page1.Marker })) as { Users: Array<{ UserName: string }> };
    assert.equal(page2.Users[0].UserName, 'dave');
    await t.admin('DeleteUser', { UserName: 'dave' });
    await expectAdminError(t.admin('GetUser', { UserName: 'dave' }), 'NoSuchEntityException', 'The user with name dave cannot be found.');
    await expectAdminError(t.admin('CreateUser', { UserName: 'bad name' }), 'ValidationException', /userName/);
  });

  it('stores inline policies as written, validated, and refuses a user with policies or keys on delete', async () => {
    await t.admin('CreateUser', { UserName: 'erin' });
    const doc = JSON.stringify(allow('secretsmanager:ListSecrets'));
    await t.admin('PutUserPolicy', { UserName: 'erin', PolicyName: 'list', PolicyDocument: doc });
    assert.deepEqual(await t.admin('GetUserPolicy', { UserName: 'erin', PolicyName: 'list' }), { UserName: 'erin', PolicyName: 'list', PolicyDocument: doc });
    await t.admin('PutUserPolicy', { UserName: 'erin', PolicyName: 'again', PolicyDocument: doc });
    assert.deepEqual(((await t.admin('ListUserPolicies', { UserName: 'erin' })) as { PolicyNames: string[] }).PolicyNames, ['again', 'list']);
    await expectAdminError(t.admin('DeleteUser', { UserName: 'erin' }), 'DeleteConflictException', 'Cannot delete entity, must delete policies first.');
    await t.admin('DeleteUserPolicy', { UserName: 'erin', PolicyName: 'again' });
    await t.admin('DeleteUserPolicy', { UserName: 'erin', PolicyName: 'list' });
    await expectAdminError(t.admin('GetUserPolicy', { UserName: 'erin', PolicyName: 'list' }), 'NoSuchEntityException', 'The user policy with name list cannot be found.');
    const { AccessKey } = (await t.admin('CreateAccessKey', { UserName: 'erin' })) as { AccessKey: { AccessKeyId: string } };
    await expectAdminError(t.admin('DeleteUser', { UserName: 'erin' }), 'DeleteConflictException', 'Cannot delete entity, must delete access keys first.');
    await t.admin('DeleteAccessKey', { UserName: 'erin', AccessKeyId: AccessKey.AccessKeyId });
    await t.admin('DeleteUser', { UserName: 'erin' });
    await expectAdminError(t.admin('PutUserPolicy', { UserName: 'erin', PolicyName: 'p', PolicyDocument: doc }), 'NoSuchEntityException');
  });

  it('refuses bad policy documents with a message that says what is wrong', async () => {
    await t.admin('CreateUser', { UserName: 'frank' });
    const put = (PolicyDocument: string) => t.admin('PutUserPolicy', { UserName: 'frank', PolicyName: 'p', PolicyDocument });
    await expectAdminError(put('{"Version": "2012-10-17", "Statement": ['), 'MalformedPolicyDocumentException', /JSON|line \d+/i);
    await expectAdminError(put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Alow', Action: '*', Resource: '*' }] })), 'MalformedPolicyDocumentException', /Statement\[0\]\.Effect must be Allow or Deny, got 'Alow'/);
    await expectAdminError(
      put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'x' } } }] })),
      'MalformedPolicyDocumentException',
      /StringEqualz/,
    );
    // IAM's quota: all of a user's inline policies together, 2,048 characters without white space.
    const big = JSON.stringify(allow(Array.from({ length: 120 }, (_, i) => `secretsmanager:Action${i}`)));
    await expectAdminError(put(big), 'LimitExceededException', 'Maximum policy size of 2048 bytes exceeded for user frank');
    assert.deepEqual(((await t.admin('ListUserPolicies', { UserName: 'frank' })) as { PolicyNames: string[] }).PolicyNames, []);
  });

  it('allows two access keys per user; a deactivated or deleted key stops working at once', async () => {
    const creds = await t.user('grace', { list: allow('secretsmanager:ListSecrets') });
    const sm = t.sm(creds);
    await sm.send(new ListSecretsCommand({}));
    const second = (await t.admin('CreateAccessKey', { UserName: 'grace' })) as { AccessKey: Record<string, string> };
    assert.equal(second.AccessKey.UserName, 'grace');
    assert.equal(second.AccessKey.Status, 'Active');
    assert.match(second.AccessKey.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
    await expectAdminError(t.admin('CreateAccessKey', { UserName: 'grace' }), 'LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2');
    const listed = (await t.admin('ListAccessKeys', { UserName: 'grace' })) as { AccessKeyMetadata: Array<Record<string, unknown>> };
    assert.deepEqual(listed.AccessKeyMetadata.map((k) => [k.UserName, k.Status]), [['grace', 'Active'], ['grace', 'Active']]);
    assert.ok(listed.AccessKeyMetadata.every((k) => !('SecretAccessKey' in k)));

    await t.admin('UpdateAccessKey', { UserName: 'grace', AccessKeyId: creds.accessKeyId, Status: 'Inactive' });
    await expectAwsError(sm.send(new ListSecretsCommand({})), 'UnrecognizedClientException');
    await t.admin('UpdateAccessKey', { UserName: 'grace', AccessKeyId: creds.accessKeyId, Status: 'Active' });
    await sm.send(new ListSecretsCommand({}));
    await t.admin('DeleteAccessKey', { UserName: 'grace', AccessKeyId: creds.accessKeyId });
    await expectAwsError(sm.send(new ListSecretsCommand({})), 'UnrecognizedClientException');
    // Another user's key is "not found" for this user.
    await t.admin('CreateUser', { UserName: 'heidi' });
    await expectAdminError(t.admin('DeleteAccessKey', { UserName: 'heidi', AccessKeyId: second.AccessKey.AccessKeyId }), 'NoSuchEntityException', `The Access Key with id ${second.AccessKey.AccessKeyId} cannot be found.`);
  });

  it('lets only the account root manage users, unless a policy grants the iam: action', async () => {
    const plain = await t.user('ivan', { list: allow('secretsmanager:ListSecrets') });
    await expectAdminError(
      t.admin('CreateUser', { UserName: 'mallory' }, plain),
      'AccessDeniedException',
      `User: arn:aws:iam::${t.accountId}:user/ivan is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${t.accountId}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
    );
    await expectAdminError(t.admin('PutUserPolicy', { UserName: 'ivan', PolicyName: 'all', PolicyDocument: JSON.stringify(allow('*')) }, plain), 'AccessDeniedException');
    // A user may rotate its own keys when its policy says so (IAM's ${aws:username} pattern).
    const self = await t.user('judy', { keys: allow(['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:DeleteAccessKey'], `arn:aws:iam::${t.accountId}:user/\${aws:username}`) });
    const own = (await t.admin('CreateAccessKey', {}, self)) as { AccessKey: Record<string, string> };
    assert.equal(own.AccessKey.UserName, 'judy');
    await t.admin('DeleteAccessKey', { AccessKeyId: own.AccessKey.AccessKeyId }, self);
    await expectAdminError(t.admin('CreateAccessKey', { UserName: 'ivan' }, self), 'AccessDeniedException');
    await expectAdminError(t.admin('CreateAccount', {}, self), 'AccessDeniedException', /only the operator credential/);
  });
});

for (const backend of BACKENDS) describe(`admin API: accounts and the operator (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  before(async () => {
    t = await startAccessServer({ backend: backend.name });
  });
  after(() => t.close());

  it('the operator creates accounts; their roots manage their own account only', async () => {
    const created = (await t.admin('CreateAccount', { AccountId: '210987654321' })) as { Account: Record<string, unknown>; AccessKey: Record<string, string> };
    assert.equal(created.Account.Arn, 'arn:aws:iam::210987654321:root');
    const other: Credentials = { accessKeyId: created.AccessKey.AccessKeyId, secretAccessKey: created.AccessKey.SecretAccessKey };
    await expectAdminError(t.admin('CreateAccount', { AccountId: '210987654321' }), 'EntityAlreadyExistsException');
    const accounts = (await t.admin('ListAccounts')) as { Accounts: Array<{ AccountId: string }> };
    assert.deepEqual(accounts.Accounts.map((a) => a.AccountId).sort(), [t.accountId, '210987654321'].sort());
    // The new root is not the operator.
    await expectAdminError(t.admin('CreateAccount', {}, other), 'AccessDeniedException', /only the operator credential/);
    await expectAdminError(t.admin('ListAccounts', {}, other), 'AccessDeniedException');
    // Users are per account: the same name in two accounts are two users.
    await t.admin('CreateUser', { UserName: 'kim' }, other);
    await t.admin('CreateUser', { UserName: 'kim' });
    const mine = (await t.admin('GetUser', { UserName: 'kim' }, other)) as { User: { Arn: string } };
    assert.equal(mine.User.Arn, 'arn:aws:iam::210987654321:user/kim');
    // The root rotates its own credential: CreateAccessKey without UserName, up to two keys.
    const rotated = (await t.admin('CreateAccessKey', {}, other)) as { AccessKey: Record<string, string> };
    assert.equal(rotated.AccessKey.UserName, undefined);
    await expectAdminError(t.admin('CreateAccessKey', {}, other), 'LimitExceededException');
    await t.admin('DeleteAccessKey', { AccessKeyId: other.accessKeyId }, { accessKeyId: rotated.AccessKey.AccessKeyId, secretAccessKey: rotated.AccessKey.SecretAccessKey });
    await expectAwsError(t.sm(other).send(new ListSecretsCommand({})), 'UnrecognizedClientException');
  });
});
