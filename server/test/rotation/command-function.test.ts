// A command rotation function end to end: allowed by configuration, started per step with the event on stdin
// and the endpoint and its credentials in the environment; it calls back through the AWS SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ReplicateSecretToRegionsCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createApp, loadConfig } from '../../src/index.ts';
import { BACKENDS } from '../access/helpers.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { readCredentials } from '../support/test-server.ts';

const script = join(dirname(fileURLToPath(import.meta.url)), 'command-rotator.mjs');

for (const { name: backend, skip } of BACKENDS) test(`a command function rotates a secret; a command not in the configuration is refused (${backend})`, { skip }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-cmd-'));
  const database = backend === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir, databaseUrl: database?.url, logLevel: 'warn' }, { COFFER_ROTATION_COMMANDS: script });
  const app = await createApp(config, { logger: { error: () => {} } });
  const { url } = await app.listen();
  const credentials = readCredentials(join(dataDir, 'credentials'));
  const client = new SecretsManagerClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const replicaClient = new SecretsManagerClient({ endpoint: url, region: 'eu-west-1', credentials, maxAttempts: 1 });
  try {
    const scope = { accountId: app.accountId, region: 'us-east-1' };
    await assert.rejects(app.rotation.functions.create(scope, { name: 'other', command: '/bin/true', credentials }), /not allowed/);
    const fn = await app.rotation.functions.create(scope, { name: 'cmd', command: script, credentials });
    const { ARN } = await client.send(new CreateSecretCommand({ Name: 'cmd-secret', SecretString: '{"username":"u","password":"p"}' }));
    // A replica follows the rotation: its pending version, the value the function puts, the label moves.
    await client.send(new ReplicateSecretToRegionsCommand({ SecretId: ARN, AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
    const { VersionId } = await client.send(new RotateSecretCommand({ SecretId: ARN, RotationLambdaARN: fn.FunctionArn }));
    await app.rotation.settled();
    const now = await client.send(new GetSecretValueCommand({ SecretId: ARN }));
    assert.equal(now.VersionId, VersionId);
    assert.notEqual(JSON.parse(now.SecretString!).password, 'p');
    assert.equal((await app.rotation.status(ARN!))?.Status, 'succeeded');
    const replica = await replicaClient.send(new GetSecretValueCommand({ SecretId: 'cmd-secret' }));
    assert.deepEqual([replica.VersionId, replica.SecretString], [VersionId, now.SecretString]);
    const stages = async (c: SecretsManagerClient) => (await c.send(new DescribeSecretCommand({ SecretId: 'cmd-secret' }))).VersionIdsToStages;
    assert.deepEqual(await stages(replicaClient), await stages(client));
  } finally {
    client.destroy();
    replicaClient.destroy();
    await app.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
