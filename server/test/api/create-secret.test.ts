// CreateSecret through the SDK: values, tags, keys, names, conflicts, idempotency and ARNs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { INVALID_NAME, SECRET_NOT_FOUND, expectAwsError, secretState, token, uniqueName } from './helpers.ts';

let server: TestServer;
let sm: SecretsManagerClient;

before(async () => {
  server = await startTestServer();
  sm = server.client();
});
after(() => server.close());

const fields = (o: object) => Object.keys(o).filter((k) => k !== '$metadata').sort();

describe('CreateSecret', () => {
  it('creates a string secret: ARN, Name and VersionId (the token) only', async () => {
    const name = uniqueName('str');
    const t = token();
    const res = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'hello', ClientRequestToken: t }));
    assert.deepEqual(fields(res), ['ARN', 'Name', 'VersionId']);
    assert.equal(res.Name, name);
    assert.equal(res.VersionId, t);
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(res.ARN!, new RegExp(`^arn:aws:secretsmanager:us-east-1:${server.app.accountId}:secret:${escaped}-[A-Za-z0-9]{6}$`));
    const value = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(value.SecretString, 'hello');
    assert.deepEqual(value.VersionStages, ['AWSCURRENT']);
  });

  it('creates a binary secret that round-trips byte for byte', async () => {
    const name = uniqueName('bin');
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const res = await sm.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));
    assert.ok(res.VersionId);
    const value = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(value.SecretString, undefined);
    assert.deepEqual(Buffer.from(value.SecretBinary!), Buffer.from(bytes));
  });

  it('without a value returns only ARN and Name, and no version exists', async () => {
    const name = uniqueName('empty');
    const res = await sm.send(new CreateSecretCommand({ Name: name }));
    assert.deepEqual(fields(res), ['ARN', 'Name']);
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    assert.deepEqual(versions.Versions, []);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal('VersionIdsToStages' in described, false);
    await expectAwsError(
      sm.send(new GetSecretValueCommand({ SecretId: name })),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
  });

  it('stores tags and description', async () => {
    const name = uniqueName('tagged');
    const tags = [{ Key: 'env', Value: 'prod' }, { Key: 'Env', Value: 'other' }, { Key: 'empty', Value: '' }];
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', Description: 'the db password', Tags: tags }));
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.Description, 'the db password');
    assert.deepEqual(d.Tags, tags);
  });

  it("accepts KmsKeyId 'alias/aws/secretsmanager' as the default key (no KmsKeyId in DescribeSecret)", async () => {
    const name = uniqueName('kms');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', KmsKeyId: 'alias/aws/secretsmanager' }));
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal('KmsKeyId' in d, false);
    const v = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.deepEqual(v.Versions?.[0].KmsKeyIds, ['DefaultEncryptionKey']);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'x');
  });

  it('refuses a bad KmsKeyId and creates nothing', async () => {
    const name = uniqueName('badkms');
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', KmsKeyId: 'not-a-key' })),
      'InvalidParameterException',
      /^The operation failed because of an invalid KMS key/,
    );
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', KmsKeyId: 'alias/no-such-alias' })),
      'EncryptionFailure',
      /alias\/no-such-alias is not found/,
    );
    await expectAwsError(sm.send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
  });

  for (const bad of ['a*b', 'a?b', 'a b', 'a]b', 'a\\b', 'a:b', 'ü']) {
    it(`rejects the name ${JSON.stringify(bad)} with AWS's text`, async () => {
      await expectAwsError(sm.send(new CreateSecretCommand({ Name: bad, SecretString: 'x' })), 'ValidationException', INVALID_NAME);
      // the same check on a SecretId, before existence
      await expectAwsError(sm.send(new DescribeSecretCommand({ SecretId: bad })), 'ValidationException', INVALID_NAME);
    });
  }

  it('accepts every allowed character, including !', async () => {
    const name = `Az09/_+=.@!-${uniqueName()}`;
    const res = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    assert.equal(res.Name, name);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'x');
  });

  it('checks lengths with the model (name over 512, empty value, short token)', async () => {
    const long = 'n'.repeat(513);
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: long, SecretString: 'x' })),
      'ValidationException',
      `1 validation error detected: Value '${long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512`,
    );
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: uniqueName(), SecretString: '' })),
      'ValidationException',
      "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: uniqueName(), SecretString: 'x', ClientRequestToken: 'short' })),
      'ValidationException',
      "1 validation error detected: Value 'short' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32",
    );
  });

  it('caps a value at 65,536 bytes, also for multi-byte text the model length lets through', async () => {
    const fits = '€'.repeat(21845) + 'a'; // 65,536 bytes in UTF-8
    const name = uniqueName('quota');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: fits }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, fits);
    const tooBig = uniqueName('quota');
    const err = await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: tooBig, SecretString: '€'.repeat(21846) })),
      'InvalidParameterException',
      'The secret value is 65538 bytes (UTF-8); a secret value can be at most 65536 bytes.',
    );
    assert.equal(err.message.includes('€'), false);
    await expectAwsError(sm.send(new DescribeSecretCommand({ SecretId: tooBig })), 'ResourceNotFoundException');
  });

  it('refuses both SecretString and SecretBinary', async () => {
    const name = uniqueName('both');
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', SecretBinary: Buffer.from('y') })),
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
    await expectAwsError(sm.send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException');
  });

  it('refuses an existing name with ResourceExistsException and leaves the secret alone', async () => {
    const name = uniqueName('dup');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'first' }));
    const state = await secretState(sm, name);
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'second' })),
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: name })), 'ResourceExistsException');
    assert.deepEqual(await secretState(sm, name), state);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'first');
  });

  it('refuses a name scheduled for deletion with InvalidRequestException', async () => {
    const name = uniqueName('sched');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: name }));
    const state = await secretState(sm, name);
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'y' })),
      'InvalidRequestException',
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('is idempotent for a retry with the same token and value', async () => {
    const name = uniqueName('idem');
    const t = token();
    const first = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v', ClientRequestToken: t }));
    const state = await secretState(sm, name);
    const again = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v', ClientRequestToken: t }));
    assert.equal(again.ARN, first.ARN);
    assert.equal(again.VersionId, t);
    assert.deepEqual(await secretState(sm, name), state);
    // the same token with another value: the token is in use (AWS's text names the token and the ARN)
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'other', ClientRequestToken: t })),
      'ResourceExistsException',
      `You can't use ClientRequestToken ${t} because that value is already in use for a version of secret ${first.ARN}.`,
    );
    // a new token on an existing name: the name is taken
    await expectAwsError(
      sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v', ClientRequestToken: token() })),
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('gives a recreated name a new suffix; the old full ARN stops resolving', async () => {
    const name = uniqueName('again');
    const first = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    const second = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'two' }));
    assert.notEqual(second.ARN, first.ARN);
    assert.equal(second.ARN!.slice(0, -6), first.ARN!.slice(0, -6));
    await expectAwsError(sm.send(new GetSecretValueCommand({ SecretId: first.ARN })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: second.ARN }))).SecretString, 'two');
  });
});
