#!/usr/bin/env node
// A command rotation function for tests: the event on stdin, the endpoint and credentials in the environment
// (read by the AWS SDK itself), the four steps as AWS's functions do them (no database: set/test do nothing).
// Its PutSecretValue names the rotation by the event's RotationToken, as functions rotating across accounts must.
import { SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, GetRandomPasswordCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { SecretId, ClientRequestToken: token, Step, RotationToken } = JSON.parse(input);
const client = new SecretsManagerClient({});
const versions = (await client.send(new DescribeSecretCommand({ SecretId }))).VersionIdsToStages;
if (Step === 'createSecret') {
  const current = JSON.parse((await client.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSCURRENT' }))).SecretString);
  try {
    await client.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }));
  } catch (err) {
    if (err.name !== 'ResourceNotFoundException') throw err;
    const { RandomPassword } = await client.send(new GetRandomPasswordCommand({ ExcludeCharacters: '/@"\'\\' }));
    await client.send(new PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: JSON.stringify({ ...current, password: RandomPassword }), VersionStages: ['AWSPENDING'], ...(RotationToken ? { RotationToken } : {}) }));
  }
} else if (Step === 'finishSecret') {
  const current = Object.keys(versions).find((v) => versions[v].includes('AWSCURRENT'));
  if (current !== token) await client.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
}
