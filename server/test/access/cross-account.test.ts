// Cross-account access by ARN: the caller's identity policy AND the secret's resource policy must both
// allow; a customer managed key is needed (the aws/secretsmanager key is never usable from another
// account), whose key policy lets the caller's account in, and the caller also needs the KMS permission on it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, startAccessServer, type AccessServer, type Credentials } from './helpers.ts';

const B = '210987654321';

for (const backend of BACKENDS) describe(`cross-account access (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let rootA: SecretsManagerClient;
  let rootB: Credentials;
  let keyArn: string;
  let plainArn: string;
  let cmkArn: string;
  const userB = (name: string) => `arn:aws:iam::${B}:user/${name}`;
  const grant = (arn: string, principal: unknown, Action: string | string[] = 'secretsmanager:GetSecretValue') =>
    rootA.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action, Resource: '*' }] }) }));

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    rootA = t.sm(t.root);
    const account = (await t.admin('CreateAccount', { AccountId: B })) as { AccessKey: Record<string, string> };
    rootB = { accessKeyId: account.AccessKey.AccessKeyId, secretAccessKey: account.AccessKey.SecretAccessKey };
    // The key policy lets B in (B's identity policies decide which of its users), as AWS requires.
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: B }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' },
      ],
    });
    keyArn = (await t.kms(t.root).send(new CreateKeyCommand({ Description: 'shared', Policy }))).KeyMetadata!.Arn!;
    plainArn = (await rootA.send(new CreateSecretCommand({ Name: 'shared/plain', SecretString: 'plain value' }))).ARN!;
    cmkArn = (await rootA.send(new CreateSecretCommand({ Name: 'shared/cmk', SecretString: 'cmk value', KmsKeyId: keyArn }))).ARN!;
  });
  after(() => t.close());

  const sharedResources = () => `arn:aws:secretsmanager:us-east-1:${t.accountId}:secret:shared/*`;

  it('needs the resource policy: without one, AccessDenied naming the resource-based policy', async () => {
    const reader = t.sm(await t.user('reader', { p: allow(['secretsmanager:GetSecretValue', 'kms:Decrypt'], '*') }, { credentials: rootB }));
    await expectAwsError(
      reader.send(new GetSecretValueCommand({ SecretId: cmkArn })),
      'AccessDeniedException',
      `User: ${userB('reader')} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${cmkArn} because no resource-based policy allows the secretsmanager:GetSecretValue action`,
    );
    // The same for an ARN of A's account that names no secret: nothing is learnt about what exists.
    await expectAwsError(reader.send(new GetSecretValueCommand({ SecretId: `${sharedResources().slice(0, -1)}nothing` })), 'AccessDeniedException');
  });

  it('works when both sides allow, with a customer managed key and kms:Decrypt on it', async () => {
    const reader = t.sm(await t.user('cmk-reader', { p: allow('secretsmanager:GetSecretValue', sharedResources()) }, { credentials: rootB }));
    await grant(cmkArn, { AWS: userB('cmk-reader') });
    await expectAwsError(
      reader.send(new GetSecretValueCommand({ SecretId: cmkArn })),
      'AccessDeniedException',
      `User: ${userB('cmk-reader')} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`,
    );
    await t.admin('PutUserPolicy', { UserName: 'cmk-reader', PolicyName: 'kms', PolicyDocument: JSON.stringify(allow('kms:Decrypt', keyArn)) }, rootB);
    assert.equal((await reader.send(new GetSecretValueCommand({ SecretId: cmkArn }))).SecretString, 'cmk value');
    // A partial ARN (without the random suffix) works too.
    assert.equal((await reader.send(new GetSecretValueCommand({ SecretId: cmkArn.slice(0, -7) }))).SecretString, 'cmk value');
    // By name, the caller's own account is searched.
    await expectAwsError(t.sm(rootB).send(new GetSecretValueCommand({ SecretId: 'shared/cmk' })), 'ResourceNotFoundException');
  });

  it('never through the aws/secretsmanager key, as in AWS', async () => {
    const reader = t.sm(await t.user('plain-reader', { p: allow(['secretsmanager:GetSecretValue', 'kms:*'], '*') }, { credentials: rootB }));
    await grant(plainArn, { AWS: userB('plain-reader') });
    await expectAwsError(reader.send(new GetSecretValueCommand({ SecretId: plainArn })), 'AccessDeniedException', /kms:Decrypt on resource: arn:aws:kms:us-east-1:\d{12}:key\/.* because no resource-based policy allows the kms:Decrypt action$/);
  });

  it('a resource policy naming the account delegates to its identity policies', async () => {
    await grant(cmkArn, { AWS: B }, ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue']);
    const allowed = t.sm(await t.user('delegated', { p: allow(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'kms:Decrypt'], '*') }, { credentials: rootB }));
    const withoutIdentity = t.sm(await t.user('no-identity', {}, { credentials: rootB }));
    assert.equal((await allowed.send(new GetSecretValueCommand({ SecretId: cmkArn }))).SecretString, 'cmk value');
    assert.equal((await allowed.send(new DescribeSecretCommand({ SecretId: cmkArn }))).ARN, cmkArn);
    await expectAwsError(withoutIdentity.send(new DescribeSecretCommand({ SecretId: cmkArn })), 'AccessDeniedException', /because no identity-based policy allows the secretsmanager:DescribeSecret action$/);
    // Writing needs kms:GenerateDataKey on the key as well.
    await expectAwsError(allowed.send(new PutSecretValueCommand({ SecretId: cmkArn, SecretString: 'x' })), 'AccessDeniedException', /secretsmanager:PutSecretValue/);
    await t.admin('PutUserPolicy', { UserName: 'delegated', PolicyName: 'write', PolicyDocument: JSON.stringify(allow('secretsmanager:PutSecretValue', '*')) }, rootB);
    await expectAwsError(allowed.send(new PutSecretValueCommand({ SecretId: cmkArn, SecretString: 'x' })), 'AccessDeniedException', /kms:GenerateDataKey/);
    await t.admin('PutUserPolicy', { UserName: 'delegated', PolicyName: 'write', PolicyDocument: JSON.stringify(allow(['secretsmanager:PutSecretValue', 'kms:GenerateDataKey'], '*')) }, rootB);
    await allowed.send(new PutSecretValueCommand({ SecretId: cmkArn, SecretString: 'written from B' }));
    assert.equal((await rootA.send(new GetSecretValueCommand({ SecretId: cmkArn }))).SecretString, 'written from B');
    // B's root is not limited by identity policies, but still needs the resource policy's Allow.
    assert.equal((await t.sm(rootB).send(new GetSecretValueCommand({ SecretId: cmkArn }))).SecretString, 'written from B');
    await expectAwsError(t.sm(rootB).send(new GetSecretValueCommand({ SecretId: plainArn })), 'AccessDeniedException');
  });

  it('lists only the caller\'s own account', async () => {
    const listed = (await t.sm(rootB).send(new ListSecretsCommand({}))).SecretList!;
    assert.deepEqual(listed.map((s) => s.ARN), []);
  });

  it('is in both accounts\' audit trails: the owner sees who used its secret', async () => {
    await t.server.app.audit.flush();
    const lookup = async (credentials: Credentials) =>
      ((await t.admin('LookupEvents', { EventName: 'GetSecretValue', MaxResults: 50 }, credentials)) as { Events: Array<{ EventId: string; CloudTrailEvent: string }> }).Events.map(
        (e) => ({ id: e.EventId, ...(JSON.parse(e.CloudTrailEvent) as { requestID: string; recipientAccountId: string; userIdentity: { arn: string }; errorCode?: string }) }),
      );
    const inA = (await lookup(t.root)).filter((e) => e.userIdentity.arn.startsWith(`arn:aws:iam::${B}:`));
    const inB = await lookup(rootB);
    assert.ok(inA.length >= 3, 'A sees the reads B made of its secrets, allowed and denied');
    assert.ok(inA.some((e) => e.errorCode === 'AccessDeniedException') && inA.some((e) => e.errorCode === undefined));
    for (const copy of inA) {
      assert.equal(copy.recipientAccountId, t.accountId);
      const original = inB.find((e) => e.requestID === copy.requestID);
      assert.ok(original, 'the caller\'s account has the same call');
      assert.equal(original.recipientAccountId, B);
      assert.notEqual(original.id, copy.id);
    }
    // A's own calls on its own secrets are not copied anywhere.
    assert.ok(inB.every((e) => e.userIdentity.arn.startsWith(`arn:aws:iam::${B}:`)));
  });
});
