// The change feed (CofferAdmin.GetSecretChanges): which secrets' values or labels changed after a position,
// read from the audit trail, authorised per secret with the reader's GetSecretValue or DescribeSecret
// permission, never carrying a value; a long poll answers as soon as a change lands; bad input is a 400.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
  RestoreSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { rawRequest } from '../api/helpers.ts';
import { allow, BACKENDS, expectAdminError, startAccessServer, uniqueName, type AccessServer, type Credentials } from './helpers.ts';

interface Change {
  Position: number;
  ARN: string;
  Name: string;
  EventName: string;
  EventTime: number;
}
interface Page {
  Changes: Change[];
  Position: number;
}

for (const backend of BACKENDS) describe(`change feed (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let reader: Credentials; // GetSecretValue on feed-a-* only
  let describer: Credentials; // DescribeSecret on feed-d-* only
  let stranger: Credentials; // no Secrets Manager permission at all
  let grantee: Credentials; // nothing of its own: the secret's resource policy lets it read
  const a = uniqueName('feed-a');
  const d = uniqueName('feed-d');
  const other = uniqueName('feed-x');
  const arns: Record<string, string> = {};
  const feed = (input: Record<string, unknown>, credentials?: Credentials) => t.admin('GetSecretChanges', input, credentials) as Promise<unknown> as Promise<Page>;

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    const region = t.server.region;
    const arnOf = (prefix: string) => `arn:aws:secretsmanager:${region}:${t.accountId}:secret:${prefix}*`;
    reader = await t.user(uniqueName('reader'), { p: allow('secretsmanager:GetSecretValue', arnOf('feed-a')) });
    describer = await t.user(uniqueName('describer'), { p: allow('secretsmanager:DescribeSecret', arnOf('feed-d')) });
    stranger = await t.user(uniqueName('stranger'), { p: allow('kms:ListKeys') });
    grantee = await t.user(uniqueName('grantee'));
    const sm = t.server.client();
    for (const name of [a, d, other]) arns[name] = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'value-1-EXAMPLE' }))).ARN!;
  });
  after(async () => {
    await t?.close();
  });

  it('starts at the current position, then lists each change after it that the reader may know of, oldest first', async () => {
    const sm = t.server.client();
    const start = await feed({}, reader);
    assert.deepEqual(start.Changes, [], 'without After: no changes, only where to start');
    assert.equal(typeof start.Position, 'number');

    const put = await sm.send(new PutSecretValueCommand({ SecretId: a, SecretString: 'value-2-EXAMPLE' }));
    await sm.send(new PutSecretValueCommand({ SecretId: d, SecretString: 'value-2-EXAMPLE' }));
    await sm.send(new PutSecretValueCommand({ SecretId: other, SecretString: 'value-2-EXAMPLE' }));
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: a, VersionStage: 'blue', MoveToVersionId: put.VersionId }));
    await sm.send(new DeleteSecretCommand({ SecretId: other, RecoveryWindowInDays: 7 }));
    await sm.send(new RestoreSecretCommand({ SecretId: other }));

    const forReader = await feed({ After: start.Position }, reader);
    assert.deepEqual(forReader.Changes.map((c) => [c.Name, c.EventName, c.ARN]), [
      [a, 'PutSecretValue', arns[a]],
      [a, 'UpdateSecretVersionStage', arns[a]],
    ]);
    assert.ok(forReader.Changes[0].Position > start.Position && forReader.Changes[1].Position > forReader.Changes[0].Position);
    assert.ok(forReader.Position >= forReader.Changes[1].Position);

    const forDescriber = await feed({ After: start.Position }, describer);
    assert.deepEqual(forDescriber.Changes.map((c) => [c.Name, c.EventName]), [[d, 'PutSecretValue']]);

    const forRoot = await feed({ After: start.Position });
    assert.deepEqual(forRoot.Changes.map((c) => [c.Name, c.EventName]), [
      [a, 'PutSecretValue'],
      [d, 'PutSecretValue'],
      [other, 'PutSecretValue'],
      [a, 'UpdateSecretVersionStage'],
      [other, 'DeleteSecret'],
      [other, 'RestoreSecret'],
    ]);
    assert.doesNotMatch(JSON.stringify(forRoot), /EXAMPLE/, 'names and ARNs only, never a value');

    // Resuming from the last position finds nothing new.
    assert.deepEqual((await feed({ After: forRoot.Position })).Changes, []);
  });

  it('tells a reader without access nothing about a secret, though its position moves on', async () => {
    const sm = t.server.client();
    const start = await feed({}, stranger);
    await sm.send(new PutSecretValueCommand({ SecretId: a, SecretString: 'value-3-EXAMPLE' }));
    await sm.send(new PutSecretValueCommand({ SecretId: other, SecretString: 'value-3-EXAMPLE' }));
    const page = await feed({ After: start.Position }, stranger);
    assert.deepEqual(page.Changes, []);
    assert.ok(page.Position > start.Position, 'the reader still moves past the events it may not see');
    const moved = await feed({ After: start.Position, WaitSeconds: 1 }, stranger);
    assert.deepEqual(moved.Changes, [], 'a long poll by a reader without access ends empty');
  });

  it("follows the secret's resource policy: a grant there lets a user with no policy of its own hear of it", async () => {
    const sm = t.server.client();
    const users = (await t.admin('ListUsers')).Users as Array<{ UserName: string; Arn: string }>;
    const granteeArn = users.find((u) => u.UserName.startsWith('grantee'))!.Arn;
    await sm.send(new PutResourcePolicyCommand({
      SecretId: other,
      ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: granteeArn }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] }),
    }));
    const start = await feed({}, grantee);
    await sm.send(new PutSecretValueCommand({ SecretId: other, SecretString: 'value-4-EXAMPLE' }));
    await sm.send(new PutSecretValueCommand({ SecretId: a, SecretString: 'value-4-EXAMPLE' }));
    const page = await feed({ After: start.Position }, grantee);
    assert.deepEqual(page.Changes.map((c) => [c.Name, c.EventName]), [[other, 'PutSecretValue']]);
  });

  it('answers a long poll as soon as a change lands', async () => {
    const sm = t.server.client();
    const start = await feed({}, reader);
    const began = Date.now();
    const waiting = feed({ After: start.Position, WaitSeconds: 10 }, reader);
    await new Promise((r) => setTimeout(r, 300));
    await sm.send(new PutSecretValueCommand({ SecretId: a, SecretString: 'value-5-EXAMPLE' }));
    const page = await waiting;
    const took = Date.now() - began;
    assert.deepEqual(page.Changes.map((c) => c.Name), [a]);
    assert.ok(took < 1500, `answered ${took} ms after the call began`);
  });

  it("tells a reader in a replica's region of the primary's changes, as the replica's", async () => {
    const sm = t.server.client();
    const name = uniqueName('feed-r');
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'replicated-1-EXAMPLE' }));
    await sm.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
    const inEu = async (input: Record<string, unknown>) => {
      const res = await rawRequest(t.server.endpoint, JSON.stringify(input), { credentials: t.root, target: 'CofferAdmin.GetSecretChanges', service: 'coffer', region: 'eu-west-1' });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return res.json as unknown as Page;
    };
    const start = await inEu({});
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'replicated-2-EXAMPLE' }));
    const page = await inEu({ After: start.Position });
    const replicaArn = created.ARN!.replace(':us-east-1:', ':eu-west-1:');
    assert.deepEqual(page.Changes.map((c) => [c.ARN, c.EventName]), [[replicaArn, 'ReplicationSucceeded']]);
    assert.ok(!(await feed({ After: start.Position })).Changes.some((c) => c.ARN === replicaArn), 'the primary region hears of the primary only');
  });

  it('refuses bad input with a 400 and no change', async () => {
    await expectAdminError(feed({ After: -1 }), 'ValidationException');
    await expectAdminError(feed({ After: 0, WaitSeconds: 21 }), 'ValidationException');
    await expectAdminError(feed({ After: 0, MaxResults: 0 }), 'ValidationException');
    await expectAdminError(feed({ After: 'x' }), 'SerializationException');
  });

  it('pages with MaxResults and resumes where the page ended', async () => {
    const sm = t.server.client();
    const start = await feed({});
    for (let i = 0; i < 3; i++) await sm.send(new PutSecretValueCommand({ SecretId: a, SecretString: `value-page-${i}-EXAMPLE` }));
    const first = await feed({ After: start.Position, MaxResults: 2 });
    assert.equal(first.Changes.length, 2);
    const second = await feed({ After: first.Position, MaxResults: 2 });
    assert.equal(second.Changes.length, 1);
    assert.ok(second.Changes[0].Position > first.Changes[1].Position);
  });
});
