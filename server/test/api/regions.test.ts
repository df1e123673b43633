// Isolation by region: the region of the signing scope is part of every secret's identity.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { SECRET_NOT_FOUND, expectAwsError, listAll, secretState } from './helpers.ts';

let server: TestServer;
let us: SecretsManagerClient;
let eu: SecretsManagerClient;
let usArn: string;
let euArn: string;

before(async () => {
  server = await startTestServer();
  us = server.client({ region: 'us-east-1' });
  eu = server.client({ region: 'eu-west-1' });
  usArn = (await us.send(new CreateSecretCommand({ Name: 'shared/name', SecretString: 'in us' }))).ARN!;
  euArn = (await eu.send(new CreateSecretCommand({ Name: 'shared/name', SecretString: 'in eu' }))).ARN!;
});
after(() => server.close());

describe('regions', () => {
  it('keeps the same name in two regions as two secrets', async () => {
    assert.match(usArn, /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:shared\/name-[A-Za-z0-9]{6}$/);
    assert.match(euArn, /^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:shared\/name-[A-Za-z0-9]{6}$/);
    assert.equal((await us.send(new GetSecretValueCommand({ SecretId: 'shared/name' }))).SecretString, 'in us');
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: 'shared/name' }))).SecretString, 'in eu');
    await us.send(new PutSecretValueCommand({ SecretId: 'shared/name', SecretString: 'us v2' }));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: 'shared/name' }))).SecretString, 'in eu');
    assert.deepEqual((await listAll(eu)).map((e) => e.ARN), [euArn]);
    assert.deepEqual((await listAll(us)).map((e) => e.ARN), [usArn]);
  });

  it('does not find an ARN or partial ARN of another region', async () => {
    for (const id of [euArn, euArn.slice(0, -7)]) {
      await expectAwsError(us.send(new GetSecretValueCommand({ SecretId: id })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
      await expectAwsError(us.send(new DescribeSecretCommand({ SecretId: id })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
      await expectAwsError(us.send(new TagResourceCommand({ SecretId: id, Tags: [{ Key: 'k', Value: 'v' }] })), 'ResourceNotFoundException');
    }
    const batch = await us.send(new BatchGetSecretValueCommand({ SecretIdList: [euArn, usArn] }));
    assert.deepEqual(batch.SecretValues!.map((v) => v.ARN), [usArn]);
    assert.deepEqual(batch.Errors!.map((e) => [e.SecretId, e.ErrorCode]), [[euArn, 'ResourceNotFoundException']]);
  });

  it('does not delete a secret of another region, even by force with its ARN', async () => {
    const state = await secretState(eu, euArn);
    await us.send(new DeleteSecretCommand({ SecretId: euArn, ForceDeleteWithoutRecovery: true }));
    await expectAwsError(us.send(new DeleteSecretCommand({ SecretId: euArn })), 'ResourceNotFoundException');
    assert.deepEqual(await secretState(eu, euArn), state);
    await us.send(new DeleteSecretCommand({ SecretId: 'shared/name' }));
    assert.ok((await us.send(new DescribeSecretCommand({ SecretId: usArn }))).DeletedDate);
    assert.equal('DeletedDate' in (await eu.send(new DescribeSecretCommand({ SecretId: euArn }))), false);
  });
});
