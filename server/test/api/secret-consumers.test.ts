// GetSecretConsumers through the SDK and the admin API against a real server, on both stores: reads are
// attributed to the version they got, across a label move by UpdateSecretVersionStage, and a BatchGetSecretValue
// naming the secret counts; a caller without cloudtrail:LookupEvents is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { rawRequest, uniqueName } from './helpers.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const pgSkip = await postgresSkipReason();

for (const storage of ['sqlite', 'postgres'] as const) {
  describe(`GetSecretConsumers (${storage})`, { skip: storage === 'postgres' ? pgSkip : undefined }, () => {
    let server: TestServer;
    let client: SecretsManagerClient;
    let database: { url: string; drop(): Promise<void> } | undefined;
    let reader: SecretsManagerClient;
    let readerKey: { accessKeyId: string; secretAccessKey: string };
    let readerArn = '';

    async function admin(operation: string, input: Record<string, unknown>, credentials = server.credentials) {
      const res = await rawRequest(server.endpoint, JSON.stringify(input), { credentials, target: `CofferAdmin.${operation}`, service: 'coffer' });
      return { status: res.status, json: (res.json ?? {}) as Record<string, unknown> };
    }

    before(async () => {
      if (storage === 'postgres') database = await createTestDatabase();
      server = await startTestServer({ ...(database ? { databaseUrl: database.url } : {}), logger: { error: () => {} } });
      client = server.client();
      const UserName = uniqueName('reader');
      readerArn = String(((await admin('CreateUser', { UserName })).json.User as { Arn: string }).Arn);
      const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue', 'secretsmanager:DescribeSecret'], Resource: '*' }] };
      await admin('PutUserPolicy', { UserName, PolicyName: 'read', PolicyDocument: JSON.stringify(policy) });
      const key = (await admin('CreateAccessKey', { UserName })).json.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
      readerKey = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
      reader = server.client({ credentials: readerKey });
    });
    after(async () => {
      await server?.close();
      await database?.drop();
    });

    test('a read of AWSCURRENT made before UpdateSecretVersionStage moved it counts for the version now AWSPREVIOUS', async () => {
      const name = uniqueName('consumers');
      const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }))).VersionId!;
      const v2 = (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', VersionStages: ['STAGED'] }))).VersionId!;
      await tick();
      await reader.send(new GetSecretValueCommand({ SecretId: name })); // got v1, AWSCURRENT then
      await tick();
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 }));
      await tick();
      await reader.send(new BatchGetSecretValueCommand({ SecretIdList: [name] })); // gets v2
      const res = await admin('GetSecretConsumers', { SecretId: name, Window: '1h' });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      const versions = res.json.Versions as Array<{ VersionId: string; VersionStages: string[]; Consumers: Array<{ PrincipalArn: string; ReadAs: string }> }>;
      const byId = Object.fromEntries(versions.map((v) => [v.VersionId, v]));
      assert.deepEqual(byId[v1].VersionStages, ['AWSPREVIOUS']);
      assert.deepEqual(byId[v1].Consumers.map((c) => [c.PrincipalArn, c.ReadAs]), [[readerArn, 'AWSCURRENT']]);
      assert.deepEqual(byId[v2].VersionStages.sort(), ['AWSCURRENT', 'STAGED']);
      assert.deepEqual(byId[v2].Consumers.map((c) => [c.PrincipalArn, c.ReadAs]), [[readerArn, 'AWSCURRENT']]);
      assert.ok(Number(res.json.EventsExamined) >= 5);
    });

    test('the consumers are audit data: refused without cloudtrail:LookupEvents, and a secret that does not exist is not found', async () => {
      const name = uniqueName('consumers');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
      const denied = await admin('GetSecretConsumers', { SecretId: name }, readerKey);
      assert.equal(denied.status, 400);
      assert.equal(denied.json.__type, 'AccessDeniedException');
      const missing = await admin('GetSecretConsumers', { SecretId: uniqueName('missing') });
      assert.equal(missing.json.__type, 'ResourceNotFoundException');
    });
  });
}
