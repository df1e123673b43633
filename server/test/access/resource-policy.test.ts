// Resource policies: PutResourcePolicy / GetResourcePolicy / DeleteResourcePolicy / ValidateResourcePolicy,
// BlockPublicPolicy, clear errors for bad documents, and grants and denies that come from the secret's
// policy alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  ValidateResourcePolicyCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, permitted, startAccessServer, uniqueName, type AccessServer } from './helpers.ts';

const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

for (const backend of BACKENDS) describe(`resource policies (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let root: SecretsManagerClient;
  let userArn: (name: string) => string;
  const newSecret = async () => {
    const name = uniqueName('rp');
    return (await root.send(new CreateSecretCommand({ Name: name, SecretString: 'the value' }))).ARN!;
  };

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    root = t.sm(t.root);
    userArn = (name) => `arn:aws:iam::${t.accountId}:user/${name}`;
  });
  after(() => t.close());

  it('puts, gets and deletes a policy, answering ARN and Name as AWS does', async () => {
    const arn = await newSecret();
    const none = await root.send(new GetResourcePolicyCommand({ SecretId: arn }));
    assert.equal(none.ResourcePolicy, undefined);
    const text = policy([{ Effect: 'Allow', Principal: { AWS: userArn('nobody-yet') }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }]);
    const put = await root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: text }));
    assert.equal(put.ARN, arn);
    assert.ok(put.Name && arn.includes(put.Name));
    const got = await root.send(new GetResourcePolicyCommand({ SecretId: arn }));
    assert.deepEqual([got.ARN, got.Name, got.ResourcePolicy], [arn, put.Name, text]);
    const deleted = await root.send(new DeleteResourcePolicyCommand({ SecretId: arn }));
    assert.deepEqual([deleted.ARN, deleted.Name], [arn, put.Name]);
    assert.equal((await root.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy, undefined);
    await root.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
    await expectAwsError(root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: text })), 'InvalidRequestException', /marked for deletion/);
  });

  it('refuses malformed documents, unknown operators and over-long ones with clear errors', async () => {
    const arn = await newSecret();
    const put = (ResourcePolicy: string) => root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy }));
    await expectAwsError(put('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}'), 'MalformedPolicyDocumentException', /not valid JSON.*line 1/i);
    await expectAwsError(
      put(policy([{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEqualsFuzzy: { 'aws:PrincipalAccount': '1' } } }])),
      'MalformedPolicyDocumentException',
      /Statement\[0\]\.Condition.*StringEqualsFuzzy/,
    );
    await expectAwsError(put(policy([{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }])), 'MalformedPolicyDocumentException', /Principal/);
    const long = policy([{ Sid: 'x'.repeat(20_500), Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]);
    await expectAwsError(put(long), 'ValidationException', /resourcePolicy.*length less than or equal to 20480/);
    assert.equal((await root.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy, undefined, 'nothing was stored');
  });

  it('BlockPublicPolicy refuses a policy that grants access to anyone, not one narrowed to an account', async () => {
    const arn = await newSecret();
    const open = policy([{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }]);
    await expectAwsError(
      root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: open, BlockPublicPolicy: true })),
      'PublicPolicyException',
      /^The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret\. Statement\[0\] allows/,
    );
    const narrowed = policy([
      { Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': t.accountId } } },
    ]);
    await root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: narrowed, BlockPublicPolicy: true }));
    await root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: open }));
  });

  it('ValidateResourcePolicy reports grammar errors and broad access in ValidationErrors', async () => {
    const arn = await newSecret();
    const ok = await root.send(new ValidateResourcePolicyCommand({ SecretId: arn, ResourcePolicy: policy([{ Effect: 'Allow', Principal: { AWS: userArn('x') }, Action: '*', Resource: '*' }]) }));
    assert.deepEqual([ok.PolicyValidationPassed, ok.ValidationErrors], [true, []]);
    const broad = await root.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy([{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]) }));
    assert.equal(broad.PolicyValidationPassed, false);
    assert.deepEqual(broad.ValidationErrors!.map((e) => e.CheckName), ['BROAD_ACCESS']);
    const grammar = await root.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy([{ Effect: 'Maybe', Principal: '*', Action: '*', Resource: '*' }]) }));
    assert.equal(grammar.ValidationErrors![0].CheckName, 'POLICY_GRAMMAR');
    assert.match(grammar.ValidationErrors![0].ErrorMessage!, /Effect must be Allow or Deny, got 'Maybe'/);
    const syntax = await root.send(new ValidateResourcePolicyCommand({ ResourcePolicy: '{nope' }));
    assert.equal(syntax.ValidationErrors![0].CheckName, 'JSON_SYNTAX');
    await expectAwsError(root.send(new ValidateResourcePolicyCommand({ SecretId: 'no-such-secret', ResourcePolicy: '{}' })), 'ResourceNotFoundException');
  });

  it('grants a user with no identity policy what the secret policy allows it, and nobody else', async () => {
    const arn = await newSecret();
    const allowed = t.sm(await t.user('rp-reader'));
    const other = t.sm(await t.user('rp-other'));
    const get = (sm: SecretsManagerClient) => sm.send(new GetSecretValueCommand({ SecretId: arn }));
    assert.equal(await permitted(get(allowed)), false);
    await root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: policy([{ Effect: 'Allow', Principal: { AWS: userArn('rp-reader') }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }]) }));
    assert.equal((await get(allowed)).SecretString, 'the value');
    await expectAwsError(get(other), 'AccessDeniedException', /because no identity-based policy allows/);
    // Naming the account delegates to the account's identity policies: it grants no user on its own.
    await root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: policy([{ Effect: 'Allow', Principal: { AWS: t.accountId }, Action: '*', Resource: '*' }]) }));
    assert.equal(await permitted(get(allowed)), false);
  });

  it('a Deny in the secret policy wins over an identity Allow, binds the root too, and the root can still remove it', async () => {
    const arn = await newSecret();
    const admin = t.sm(await t.user('rp-admin', { all: allow('secretsmanager:*') }));
    const get = (sm: SecretsManagerClient) => sm.send(new GetSecretValueCommand({ SecretId: arn }));
    assert.equal(await permitted(get(admin)), true);
    await root.send(new PutResourcePolicyCommand({ SecretId: arn, ResourcePolicy: policy([{ Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*' }]) }));
    await expectAwsError(get(admin), 'AccessDeniedException', /with an explicit deny in a resource-based policy$/);
    await expectAwsError(get(root), 'AccessDeniedException', /with an explicit deny in a resource-based policy$/);
    await expectAwsError(admin.send(new DeleteResourcePolicyCommand({ SecretId: arn })), 'AccessDeniedException');
    await root.send(new DeleteResourcePolicyCommand({ SecretId: arn }));
    assert.equal((await get(root)).SecretString, 'the value');
    assert.equal(await permitted(get(admin)), true);
  });
});
