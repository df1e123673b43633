// KMS key policies through @aws-sdk/client-kms (and Secrets Manager) against a real server, on both stores:
// the default policy AWS writes, GetKeyPolicy / PutKeyPolicy / ListKeyPolicies, validation and the lockout
// safety check, and key policies evaluated with identity policies for the KMS API and for the KMS calls
// Secrets Manager makes on a caller's behalf.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  ListKeyPoliciesCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, startAccessServer, type AccessServer } from '../access/helpers.ts';

type Statement = Record<string, unknown>;
const doc = (...Statement: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement });

for (const backend of BACKENDS) describe(`KMS key policies (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let kms: KMSClient;
  let rootArn: string;
  const userArn = (name: string) => `arn:aws:iam::${t.accountId}:user/${name}`;
  const rootStatement = (): Statement => ({ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' });
  const newKey = async (Policy?: string, BypassPolicyLockoutSafetyCheck?: boolean) =>
    (await kms.send(new CreateKeyCommand({ Description: 'policy test', Policy, BypassPolicyLockoutSafetyCheck }))).KeyMetadata!;
  const policyOf = async (KeyId: string, client = kms) => (await client.send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' }))).Policy!;

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    kms = t.kms(t.root);
    rootArn = `arn:aws:iam::${t.accountId}:root`;
  });
  after(() => t.close());

  it('CreateKey without a Policy gets AWS\'s default key policy; ListKeyPolicies names it "default"', async () => {
    const key = await newKey();
    const { Policy, PolicyName } = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));
    assert.equal(PolicyName, 'default');
    assert.deepEqual(JSON.parse(Policy!), { Version: '2012-10-17', Id: 'key-default-1', Statement: [rootStatement()] });
    // By key ARN too; PolicyName is optional.
    assert.equal(await policyOf(key.Arn!), Policy);
    assert.deepEqual(await kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId })).then((r) => [r.PolicyNames, r.Truncated]), [['default'], false]);
    await expectAwsError(kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'other' })), 'NotFoundException', /No such policy exists/);
    await expectAwsError(kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId, Marker: 'bm90LWEtbWFya2Vy' })), 'InvalidMarkerException');
    // Key ids and ARNs only, as the other management operations.
    await expectAwsError(kms.send(new GetKeyPolicyCommand({ KeyId: 'alias/nothing' })), 'NotFoundException');
  });

  it('PutKeyPolicy round trip: GetKeyPolicy returns the text as written, in every key state', async () => {
    const key = await newKey();
    await t.user('reader-of-mine');
    const text = `{"Version":"2012-10-17","Id":"mine","Statement":[${JSON.stringify(rootStatement())},\n  {"Sid":"Reader","Effect":"Allow","Principal":{"AWS":"${userArn('reader-of-mine')}"},"Action":"kms:Decrypt","Resource":"*"}]}`;
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: text }));
    assert.equal(await policyOf(key.KeyId!), text);
    await expectAwsError(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'other', Policy: text })), 'NotFoundException');
    // Audited like every call; a key policy is not secret, so the event keeps its text.
    await t.server.app.audit.flush();
    const { Events } = (await t.admin('LookupEvents', { EventName: 'PutKeyPolicy', MaxResults: 50 })) as { Events: Array<{ CloudTrailEvent: string }> };
    const events = Events.map((e) => JSON.parse(e.CloudTrailEvent) as { eventSource: string; errorCode?: string; requestParameters: { KeyId: string; Policy: string } });
    assert.ok(events.some((e) => e.eventSource === 'kms.amazonaws.com' && !e.errorCode && e.requestParameters.KeyId === key.KeyId && e.requestParameters.Policy === text));
    assert.ok(events.some((e) => e.errorCode === 'NotFoundException' && e.requestParameters.KeyId === key.KeyId));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    const again = doc(rootStatement());
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: again }));
    assert.equal(await policyOf(key.KeyId!), again);
  });

  it('refuses malformed policies with MalformedPolicyDocumentException and changes nothing', async () => {
    const key = await newKey();
    const before = await policyOf(key.KeyId!);
    const bad: Array<[string, RegExp]> = [
      ['{"Version":"2012-10-17","Statement":[', /not valid JSON/],
      [doc({ Effect: 'Alow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' }), /Effect must be Allow or Deny/],
      [doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }), /Principal/],
      [doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123:user/*' }, Action: 'kms:*', Resource: '*' }), /principal/],
      [doc({ Effect: 'Allow', Principal: { AWS: 'not-a-principal' }, Action: 'kms:*', Resource: '*' }), /is not a principal/],
      // Well formed, but naming nobody: a user that does not exist, an account this installation does not have, a role.
      [doc(rootStatement(), { Effect: 'Allow', Principal: { AWS: userArn('no-such-user') }, Action: 'kms:Decrypt', Resource: '*' }), /^Policy contains a statement with one or more invalid principals\.$/],
      [doc(rootStatement(), { Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: 'kms:Decrypt', Resource: '*' }), /invalid principals/],
      [doc(rootStatement(), { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:role/app` }, Action: 'kms:Decrypt', Resource: '*' }), /invalid principals/],
      [doc(rootStatement(), { Sid: 'Pad', Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:pad': 'x'.repeat(33_000) } } }), /at most 32768 bytes/],
    ];
    for (const [Policy, message] of bad) {
      await expectAwsError(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy })), 'MalformedPolicyDocumentException', message);
      await expectAwsError(kms.send(new CreateKeyCommand({ Policy })), 'MalformedPolicyDocumentException', message);
    }
    assert.equal(await policyOf(key.KeyId!), before);
  });

  it('the lockout safety check refuses a policy that would stop the caller from updating it, unless bypassed', async () => {
    const key = await newKey();
    const lockout = doc({ Effect: 'Allow', Principal: { AWS: rootArn }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GetKeyPolicy'], Resource: '*' });
    const message = 'The new key policy will not allow you to update the key policy in the future.';
    await expectAwsError(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout })), 'MalformedPolicyDocumentException', message);
    assert.deepEqual(JSON.parse(await policyOf(key.KeyId!)).Id, 'key-default-1', 'unchanged');
    const keysBefore = await t.server.app.store.db.selectFrom('kms_keys').select('key_id').execute();
    await expectAwsError(kms.send(new CreateKeyCommand({ Policy: lockout })), 'MalformedPolicyDocumentException', message);
    assert.equal((await t.server.app.store.db.selectFrom('kms_keys').select('key_id').execute()).length, keysBefore.length, 'no key created');

    // Bypassed: the root is then locked out of PutKeyPolicy on that key, as in AWS.
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    assert.equal(await policyOf(key.KeyId!), lockout);
    await expectAwsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: doc(rootStatement()) })),
      'AccessDeniedException',
      `User: ${rootArn} is not authorized to perform: kms:PutKeyPolicy on resource: ${key.Arn} because no resource-based policy allows the kms:PutKeyPolicy action`,
    );
    const created = await newKey(lockout, true);
    assert.equal(await policyOf(created.KeyId!), lockout);
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: created.KeyId })), 'AccessDeniedException', /because no resource-based policy allows the kms:DescribeKey action$/);

    // The check counts the caller's identity policies: a user whose own policy allows kms:PutKeyPolicy
    // keeps the right through a policy that delegates to the account.
    const admin = t.kms(await t.user('key-admin', { p: allow('kms:*') }));
    const delegating = doc(rootStatement());
    const userKey = await newKey();
    await admin.send(new PutKeyPolicyCommand({ KeyId: userKey.KeyId, Policy: delegating }));
    const denyAdminUpdates = doc(rootStatement(), { Effect: 'Deny', Principal: { AWS: userArn('key-admin') }, Action: 'kms:PutKeyPolicy', Resource: '*' });
    await expectAwsError(admin.send(new PutKeyPolicyCommand({ KeyId: userKey.KeyId, Policy: denyAdminUpdates })), 'MalformedPolicyDocumentException', message);
  });

  it('an identity policy allows, the key policy denies: Encrypt is refused naming the resource-based policy', async () => {
    const user = t.kms(await t.user('denied-by-key', { p: allow('kms:*') }));
    const key = await newKey(doc(rootStatement(), { Sid: 'NoEncrypt', Effect: 'Deny', Principal: { AWS: userArn('denied-by-key') }, Action: 'kms:Encrypt', Resource: '*' }));
    await expectAwsError(
      user.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })),
      'AccessDeniedException',
      `User: ${userArn('denied-by-key')} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} with an explicit deny in a resource-based policy`,
    );
    // Other actions still follow the identity policy through the root statement.
    assert.equal((await user.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyId, key.KeyId);
  });

  it('a key policy naming a user lets it decrypt without any identity policy', async () => {
    const named = t.kms(await t.user('named'));
    const key = await newKey(doc(rootStatement(), { Effect: 'Allow', Principal: { AWS: userArn('named') }, Action: 'kms:Decrypt', Resource: '*' }));
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('for named') }));
    assert.equal(Buffer.from((await named.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!).toString(), 'for named');
    await expectAwsError(
      named.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })),
      'AccessDeniedException',
      `User: ${userArn('named')} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Encrypt action`,
    );
  });

  it('a key policy without the account statement makes identity-policy Allows useless, for the root too', async () => {
    const onlyAdmin = t.kms(await t.user('only-admin'));
    const key = await newKey(
      doc({ Effect: 'Allow', Principal: { AWS: userArn('only-admin') }, Action: 'kms:*', Resource: '*' }),
      true,
    );
    const { CiphertextBlob } = await onlyAdmin.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('admin only') }));
    const allowedByIdentity = t.kms(await t.user('identity-only', { p: allow('kms:*') }));
    await expectAwsError(
      allowedByIdentity.send(new DecryptCommand({ CiphertextBlob })),
      'AccessDeniedException',
      `User: ${userArn('identity-only')} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} because no resource-based policy allows the kms:Decrypt action`,
    );
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob })), 'AccessDeniedException', /^User: arn:aws:iam::\d{12}:root is not authorized to perform: kms:Decrypt .* because no resource-based policy allows/);
    // The admin named by the key policy gives the account back its statement.
    await onlyAdmin.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: doc(rootStatement()), BypassPolicyLockoutSafetyCheck: true }));
    assert.equal(Buffer.from((await allowedByIdentity.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!).toString(), 'admin only');
  });

  it('GetSecretValue of a secret under a key whose policy denies the caller is refused; another caller reads it', async () => {
    const reader = allow(['secretsmanager:GetSecretValue', 'kms:Decrypt']);
    const denied = t.sm(await t.user('sm-denied', { p: reader }));
    const allowed = t.sm(await t.user('sm-allowed', { p: reader }));
    const key = await newKey(doc(rootStatement(), { Effect: 'Deny', Principal: { AWS: userArn('sm-denied') }, Action: 'kms:Decrypt', Resource: '*' }));
    await t.sm(t.root).send(new CreateSecretCommand({ Name: 'policy/guarded', SecretString: 'guarded value', KmsKeyId: key.Arn }));
    await expectAwsError(
      denied.send(new GetSecretValueCommand({ SecretId: 'policy/guarded' })),
      'AccessDeniedException',
      `User: ${userArn('sm-denied')} is not authorized to perform: kms:Decrypt on resource: ${key.Arn} with an explicit deny in a resource-based policy`,
    );
    assert.equal((await allowed.send(new GetSecretValueCommand({ SecretId: 'policy/guarded' }))).SecretString, 'guarded value');
    // A new policy applies to the next read (the key row the read path keeps is refreshed by the change).
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: doc(rootStatement(), { Effect: 'Deny', Principal: { AWS: userArn('sm-allowed') }, Action: 'kms:Decrypt', Resource: '*' }) }));
    await expectAwsError(allowed.send(new GetSecretValueCommand({ SecretId: 'policy/guarded' })), 'AccessDeniedException', /with an explicit deny in a resource-based policy$/);
    assert.equal((await denied.send(new GetSecretValueCommand({ SecretId: 'policy/guarded' }))).SecretString, 'guarded value');

    // kms:ViaService is set on the calls Secrets Manager makes: a key policy can limit a user to them.
    const viaSm = await t.user('via-sm', { p: allow('secretsmanager:GetSecretValue') });
    const viaOnly = await newKey(doc(rootStatement(), {
      Effect: 'Allow',
      Principal: { AWS: userArn('via-sm') },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    }));
    await t.sm(t.root).send(new CreateSecretCommand({ Name: 'policy/via', SecretString: 'via value', KmsKeyId: viaOnly.Arn }));
    assert.equal((await t.sm(viaSm).send(new GetSecretValueCommand({ SecretId: 'policy/via' }))).SecretString, 'via value');
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: viaOnly.KeyId, Plaintext: Buffer.from('direct') }));
    await expectAwsError(t.kms(viaSm).send(new DecryptCommand({ CiphertextBlob })), 'AccessDeniedException', /kms:Decrypt/);
  });

  it('the aws/secretsmanager key shows AWS\'s managed-key policy and keeps its rules', async () => {
    await t.sm(t.root).send(new CreateSecretCommand({ Name: 'policy/default-key', SecretString: 'default key value' }));
    const managed = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/secretsmanager' }))).KeyMetadata!;
    const policy = JSON.parse(await policyOf(managed.KeyId!));
    assert.equal(policy.Id, 'auto-secretsmanager-2');
    assert.deepEqual(policy.Statement[2].Action, ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant']);
    assert.equal(policy.Statement[0].Condition.StringEquals['kms:CallerAccount'], t.accountId);
    await expectAwsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: managed.KeyId, Policy: doc(rootStatement()) })),
      'AccessDeniedException',
      `User: ${rootArn} is not authorized to perform: kms:PutKeyPolicy on resource: ${managed.Arn} because no resource-based policy allows the kms:PutKeyPolicy action`,
    );
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: managed.KeyId, Plaintext: Buffer.from('x') })), 'AccessDeniedException', /because no resource-based policy allows the kms:Encrypt action$/);
    // Any user of the account reads through Secrets Manager without a KMS permission of its own.
    const smOnly = t.sm(await t.user('default-key-reader', { p: allow('secretsmanager:GetSecretValue') }));
    assert.equal((await smOnly.send(new GetSecretValueCommand({ SecretId: 'policy/default-key' }))).SecretString, 'default key value');
  });

  it('GetKeyPolicy, PutKeyPolicy and ListKeyPolicies need their kms: permissions', async () => {
    const key = await newKey();
    const reader = t.kms(await t.user('policy-reader', { p: allow(['kms:GetKeyPolicy', 'kms:ListKeyPolicies'], key.Arn!) }));
    assert.equal(JSON.parse(await policyOf(key.KeyId!, reader)).Id, 'key-default-1');
    assert.deepEqual((await reader.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }))).PolicyNames, ['default']);
    await expectAwsError(
      reader.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: doc(rootStatement()) })),
      'AccessDeniedException',
      `User: ${userArn('policy-reader')} is not authorized to perform: kms:PutKeyPolicy on resource: ${key.Arn} because no identity-based policy allows the kms:PutKeyPolicy action`,
    );
  });
});
