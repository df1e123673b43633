// The (principal, policy, operation, resource) matrix: real SDK clients signed as users with different
// identity policies, each operation answered Allow or Deny as AWS's evaluation logic says.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, permitted, startAccessServer, uniqueName, type AccessServer } from './helpers.ts';

const versionOf = new Map<string, string>();
type Op = 'Get' | 'Describe' | 'Versions' | 'Put' | 'Update' | 'Tag' | 'Stage' | 'Create' | 'Password';

function call(sm: SecretsManagerClient, op: Op, secret: string): Promise<unknown> {
  switch (op) {
    case 'Get': return sm.send(new GetSecretValueCommand({ SecretId: secret }));
    case 'Describe': return sm.send(new DescribeSecretCommand({ SecretId: secret }));
    case 'Versions': return sm.send(new ListSecretVersionIdsCommand({ SecretId: secret }));
    case 'Put': return sm.send(new PutSecretValueCommand({ SecretId: secret, SecretString: 'new value' }));
    case 'Update': return sm.send(new UpdateSecretCommand({ SecretId: secret, Description: 'changed' }));
    case 'Tag': return sm.send(new TagResourceCommand({ SecretId: secret, Tags: [{ Key: 'touched', Value: 'yes' }] }));
    case 'Stage': return sm.send(new UpdateSecretVersionStageCommand({ SecretId: secret, VersionStage: 'custom', MoveToVersionId: versionOf.get(secret) }));
    case 'Create': return sm.send(new CreateSecretCommand({ Name: `${secret}-${uniqueName('new')}`, SecretString: 'v' }));
    case 'Password': return sm.send(new GetRandomPasswordCommand({}));
  }
}

for (const backend of BACKENDS) describe(`access matrix (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  const sm: Record<string, SecretsManagerClient> = {};
  let arn: (name: string) => string;

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    arn = (name) => `arn:aws:secretsmanager:us-east-1:${t.accountId}:secret:${name}`;
    const root = t.sm(t.root);
    for (const name of ['app/db', 'app/api', 'other/x']) {
      const created = await root.send(new CreateSecretCommand({ Name: name, SecretString: `value of ${name}` }));
      versionOf.set(name, created.VersionId!);
    }
    const users: Record<string, Record<string, unknown>> = {
      nobody: {},
      reader: { read: allow('secretsmanager:GetSecretValue', arn('app/db-??????')) },
      appAdmin: { all: allow('secretsmanager:*', arn('app/*')) },
      denier: {
        all: allow('secretsmanager:*', '*'),
        deny: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: arn('app/api-*') }] },
      },
      notAction: { meta: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: '*' }] } },
      notResource: { ro: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:Describe*', 'secretsmanager:GetSecretValue'], NotResource: arn('app/*') }] } },
      mixedCase: { read: allow('SecretsManager:getsecretVALUE', arn('other/?-*')) },
      password: { pw: allow('secretsmanager:GetRandomPassword') },
    };
    for (const [name, policies] of Object.entries(users)) sm[name] = t.sm(await t.user(name, policies));
    sm.root = root;
  });
  after(() => t.close());

  const rows: Array<[string, Op, string, boolean]> = [
    ['root', 'Get', 'app/db', true],
    ['root', 'Put', 'other/x', true],
    ['root', 'Create', 'root', true],
    ['nobody', 'Get', 'app/db', false],
    ['nobody', 'Describe', 'app/db', false],
    ['nobody', 'Password', '', false],
    ['nobody', 'Create', 'app/new', false],
    ['reader', 'Get', 'app/db', true],
    ['reader', 'Get', 'app/api', false],
    ['reader', 'Describe', 'app/db', false],
    ['reader', 'Put', 'app/db', false],
    ['appAdmin', 'Get', 'app/db', true],
    ['appAdmin', 'Get', 'app/api', true],
    ['appAdmin', 'Get', 'other/x', false],
    ['appAdmin', 'Put', 'app/api', true],
    ['appAdmin', 'Update', 'app/api', true],
    ['appAdmin', 'Tag', 'app/db', true],
    ['appAdmin', 'Stage', 'app/db', true],
    ['appAdmin', 'Versions', 'other/x', false],
    ['appAdmin', 'Create', 'app/made', true],
    ['appAdmin', 'Create', 'other/made', false],
    ['appAdmin', 'Password', '', false],
    ['denier', 'Get', 'app/db', true],
    ['denier', 'Get', 'app/api', false],
    ['denier', 'Describe', 'app/api', true],
    ['denier', 'Put', 'app/api', true],
    ['notAction', 'Get', 'app/db', false],
    ['notAction', 'Put', 'other/x', false],
    ['notAction', 'Describe', 'app/db', true],
    ['notAction', 'Versions', 'other/x', true],
    ['notAction', 'Password', '', true],
    ['notResource', 'Get', 'other/x', true],
    ['notResource', 'Describe', 'other/x', true],
    ['notResource', 'Get', 'app/db', false],
    ['mixedCase', 'Get', 'other/x', true],
    ['mixedCase', 'Get', 'app/db', false],
    ['password', 'Password', '', true],
    ['password', 'Get', 'other/x', false],
  ];

  it(`answers ${rows.length} (principal, operation, secret) cases as the policies say`, async () => {
    const wrong: string[] = [];
    for (const [who, op, secret, expected] of rows) {
      const got = await permitted(call(sm[who], op, secret));
      if (got !== expected) wrong.push(`${who} ${op} ${secret}: expected ${expected ? 'allow' : 'deny'}, got ${got ? 'allow' : 'deny'}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('names the principal, action, resource and reason in AccessDenied, as AWS does', async () => {
    const user = (name: string) => `arn:aws:iam::${t.accountId}:user/${name}`;
    const described = await sm.root.send(new DescribeSecretCommand({ SecretId: 'app/api' }));
    await expectAwsError(
      call(sm.reader, 'Get', 'app/api'),
      'AccessDeniedException',
      `User: ${user('reader')} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${described.ARN} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    );
    await expectAwsError(
      call(sm.denier, 'Get', 'app/api'),
      'AccessDeniedException',
      `User: ${user('denier')} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${described.ARN} with an explicit deny in an identity-based policy`,
    );
    // A secret that does not exist: the SecretId as given, and AccessDenied all the same (nothing leaks).
    await expectAwsError(
      call(sm.reader, 'Get', 'app/missing'),
      'AccessDeniedException',
      `User: ${user('reader')} is not authorized to perform: secretsmanager:GetSecretValue on resource: app/missing because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    );
    // Allowed to look, and it is not there: ResourceNotFound.
    await expectAwsError(call(sm.appAdmin, 'Get', 'app/missing'), 'ResourceNotFoundException');
    await expectAwsError(call(sm.nobody, 'Password', ''), 'AccessDeniedException', /on resource: \* because no identity-based policy allows the secretsmanager:GetRandomPassword action$/);
  });

  it('applies a changed policy on the next request', async () => {
    const creds = await t.user('changing', {});
    const client = t.sm(creds);
    assert.equal(await permitted(call(client, 'Get', 'other/x')), false);
    await t.admin('PutUserPolicy', { UserName: 'changing', PolicyName: 'p', PolicyDocument: JSON.stringify(allow('secretsmanager:GetSecretValue')) });
    assert.equal(await permitted(call(client, 'Get', 'other/x')), true);
    await t.admin('DeleteUserPolicy', { UserName: 'changing', PolicyName: 'p' });
    assert.equal(await permitted(call(client, 'Get', 'other/x')), false);
  });

  // RotateSecret and CancelRotateSecret work in a transaction on the secret; the caller's identity is read before
  // it (on SQLite a read outside the transaction would wait for the transaction itself, and never answer).
  it("answers a user's CancelRotateSecret as its policies say", { timeout: 15_000 }, async () => {
    const answer = await sm.appAdmin.send(new CancelRotateSecretCommand({ SecretId: 'app/db' }));
    assert.equal(answer.Name, 'app/db');
    await expectAwsError(sm.reader.send(new CancelRotateSecretCommand({ SecretId: 'app/db' })), 'AccessDeniedException');
  });
});
