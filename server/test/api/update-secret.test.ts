// UpdateSecret and UpdateSecretVersionStage through the SDK.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  MARKED_FOR_DELETION,
  SECRET_NOT_FOUND,
  expectAwsError,
  labelsOf,
  movableClock,
  secretState,
  token,
  uniqueName,
} from './helpers.ts';

const clock = movableClock();
let server: TestServer;
let sm: SecretsManagerClient;

before(async () => {
  server = await startTestServer({ now: clock.now });
  sm = server.client();
});
after(() => server.close());

const fields = (o: object) => Object.keys(o).filter((k) => k !== '$metadata').sort();
const update = (input: ConstructorParameters<typeof UpdateSecretCommand>[0]) => sm.send(new UpdateSecretCommand(input));
const stage = (input: ConstructorParameters<typeof UpdateSecretVersionStageCommand>[0]) =>
  sm.send(new UpdateSecretVersionStageCommand(input));

async function newSecret(extra: Partial<ConstructorParameters<typeof CreateSecretCommand>[0]> = {}) {
  const name = uniqueName('upd');
  const v1 = token();
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: v1, ...extra }));
  return { name, v1, arn: created.ARN! };
}

async function versionCount(name: string): Promise<number> {
  return (await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }))).Versions!.length;
}

describe('UpdateSecret', () => {
  it('with a value makes a new version with the default labels and returns no VersionStages', async () => {
    const { name, v1, arn } = await newSecret();
    const v2 = token();
    const res = await update({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2 });
    assert.deepEqual(fields(res), ['ARN', 'Name', 'VersionId']);
    assert.equal(res.ARN, arn);
    assert.equal(res.VersionId, v2);
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v2');
  });

  it('with only a description makes no version and returns no VersionId', async () => {
    const { name } = await newSecret({ Description: 'old' });
    const res = await update({ SecretId: name, Description: 'new words' });
    assert.deepEqual(fields(res), ['ARN', 'Name']);
    assert.equal(await versionCount(name), 1);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Description, 'new words');
    // an empty description removes it (DescribeSecret omits an empty Description)
    await update({ SecretId: name, Description: '' });
    assert.equal('Description' in (await sm.send(new DescribeSecretCommand({ SecretId: name }))), false);
  });

  it('with nothing to change changes nothing', async () => {
    const { name } = await newSecret({ Description: 'd' });
    const state = await secretState(sm, name);
    clock.advance(1000);
    const res = await update({ SecretId: name });
    assert.deepEqual(fields(res), ['ARN', 'Name']);
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('makes a new version and moves LastChangedDate even for an identical value', async () => {
    const { name } = await newSecret();
    const before = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).LastChangedDate!;
    clock.advance(2000);
    await update({ SecretId: name, SecretString: 'v1' });
    const after = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).LastChangedDate!;
    assert.ok(after.getTime() >= before.getTime() + 2000);
    assert.equal(await versionCount(name), 2);
  });

  it('is idempotent for a retry with the same token and value: returns that version, changes nothing', async () => {
    const { name, v1 } = await newSecret();
    const state = await secretState(sm, name);
    clock.advance(2000);
    const again = await update({ SecretId: name, SecretString: 'v1', ClientRequestToken: v1 });
    assert.equal(again.VersionId, v1);
    assert.equal(again.Name, name);
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('refuses a token that is already a version with another value (ResourceExistsException), changes nothing', async () => {
    const { name, v1 } = await newSecret();
    const { ARN } = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    const state = await secretState(sm, name);
    await expectAwsError(
      update({ SecretId: name, SecretString: 'other', Description: 'not applied', ClientRequestToken: v1 }),
      'ResourceExistsException',
      `You can't use ClientRequestToken ${v1} because that value is already in use for a version of secret ${ARN}.`,
    );
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('gives the first value of an empty secret AWSCURRENT', async () => {
    const name = uniqueName('empty');
    await sm.send(new CreateSecretCommand({ Name: name }));
    const res = await update({ SecretId: name, SecretBinary: Buffer.from([1, 2, 3]) });
    assert.deepEqual(await labelsOf(sm, name), { [res.VersionId!]: ['AWSCURRENT'] });
  });

  it("treats KmsKeyId 'alias/aws/secretsmanager' as the default key", async () => {
    const { name } = await newSecret();
    await update({ SecretId: name, KmsKeyId: 'alias/aws/secretsmanager', SecretString: 'v2' });
    assert.equal('KmsKeyId' in (await sm.send(new DescribeSecretCommand({ SecretId: name }))), false);
    await expectAwsError(update({ SecretId: name, KmsKeyId: 'not-a-key' }), 'InvalidParameterException', /invalid KMS key/);
  });

  it('refuses unknown, deleted and two-valued updates without changing anything', async () => {
    await expectAwsError(update({ SecretId: uniqueName('none'), SecretString: 'x' }), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    const { name } = await newSecret();
    const state = await secretState(sm, name);
    await expectAwsError(
      update({ SecretId: name, SecretString: 'x', SecretBinary: Buffer.from('y') }),
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
    assert.deepEqual(await secretState(sm, name), state);
    await sm.send(new DeleteSecretCommand({ SecretId: name }));
    const deleted = await secretState(sm, name);
    await expectAwsError(update({ SecretId: name, SecretString: 'x' }), 'InvalidRequestException', MARKED_FOR_DELETION);
    await expectAwsError(update({ SecretId: name, Description: 'x' }), 'InvalidRequestException', MARKED_FOR_DELETION);
    assert.deepEqual(await secretState(sm, name), deleted);
  });
});

describe('UpdateSecretVersionStage', () => {
  /** v1 [AWSCURRENT, old], v2 [mine] */
  async function twoVersions() {
    const { name, v1 } = await newSecret();
    const v2 = token();
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2, VersionStages: ['mine'] }));
    await stage({ SecretId: name, VersionStage: 'old', MoveToVersionId: v1 });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT', 'old'], [v2]: ['mine'] });
    return { name, v1, v2 };
  }

  it('moves AWSCURRENT: AWSPREVIOUS follows, custom labels stay, the answer is ARN and Name', async () => {
    const { name, v1, v2 } = await twoVersions();
    const res = await stage({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 });
    assert.deepEqual(fields(res), ['ARN', 'Name']);
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSPREVIOUS', 'old'], [v2]: ['AWSCURRENT', 'mine'] });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v2');
    // rolling back swaps the two labels
    await stage({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT', 'old'], [v2]: ['AWSPREVIOUS', 'mine'] });
  });

  it('requires RemoveFromVersionId to name the version that holds the label', async () => {
    const { name, v1, v2 } = await twoVersions();
    const state = await secretState(sm, name);
    await expectAwsError(
      stage({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2 }),
      'InvalidParameterException',
      `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
    await expectAwsError(
      stage({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v2 }),
      'InvalidParameterException',
      /RemoveFromVersionId must be the version that currently has the staging label/,
    );
    await expectAwsError(stage({ SecretId: name, VersionStage: 'mine', MoveToVersionId: v1 }), 'InvalidParameterException', /RemoveFromVersionId/);
    await expectAwsError(stage({ SecretId: name, VersionStage: 'nowhere', RemoveFromVersionId: v1 }), 'InvalidParameterException', /not attached/);
    await expectAwsError(stage({ SecretId: name, VersionStage: 'mine' }), 'InvalidParameterException', /MoveToVersionId, RemoveFromVersionId/);
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('detaches a custom label with only RemoveFromVersionId, but never AWSCURRENT', async () => {
    const { name, v1, v2 } = await twoVersions();
    await stage({ SecretId: name, VersionStage: 'old', RemoveFromVersionId: v1 });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT'], [v2]: ['mine'] });
    await stage({ SecretId: name, VersionStage: 'mine', RemoveFromVersionId: v2 });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT'] });
    const state = await secretState(sm, name);
    await expectAwsError(stage({ SecretId: name, VersionStage: 'AWSCURRENT', RemoveFromVersionId: v1 }), 'InvalidParameterException', /MoveToVersionId/);
    assert.deepEqual(await secretState(sm, name), state);
    // a label moved onto a deprecated version brings it back into the listing
    await stage({ SecretId: name, VersionStage: 'back', MoveToVersionId: v2 });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT'], [v2]: ['back'] });
    // moving a label onto the version that has it is a no-op
    await stage({ SecretId: name, VersionStage: 'back', MoveToVersionId: v2, RemoveFromVersionId: v2 });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT'], [v2]: ['back'] });
  });

  it('refuses unknown versions, secrets and deleted secrets', async () => {
    const { name, v1 } = await twoVersions();
    const state = await secretState(sm, name);
    const ghost = token();
    await expectAwsError(
      stage({ SecretId: name, VersionStage: 'x', MoveToVersionId: ghost }),
      'InvalidParameterException',
      `The version ${ghost} doesn't exist for the secret ${name}.`,
    );
    await expectAwsError(
      stage({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: ghost, RemoveFromVersionId: v1 }),
      'InvalidParameterException',
      /doesn't exist/,
    );
    await expectAwsError(stage({ SecretId: name, VersionStage: 'old', RemoveFromVersionId: ghost }), 'InvalidParameterException', /doesn't exist/);
    assert.deepEqual(await secretState(sm, name), state);
    await expectAwsError(
      stage({ SecretId: uniqueName('none'), VersionStage: 'x', MoveToVersionId: v1 }),
      'ResourceNotFoundException',
      SECRET_NOT_FOUND,
    );
    await sm.send(new DeleteSecretCommand({ SecretId: name }));
    await expectAwsError(stage({ SecretId: name, VersionStage: 'y', MoveToVersionId: v1 }), 'InvalidRequestException', MARKED_FOR_DELETION);
  });

  it('caps the labels of a secret at 20 (LimitExceededException), also for PutSecretValue', async () => {
    const { name, v1 } = await newSecret();
    for (let i = 1; i < 20; i++) await stage({ SecretId: name, VersionStage: `label-${i}`, MoveToVersionId: v1 });
    assert.equal((await labelsOf(sm, name))[v1].length, 20);
    const state = await secretState(sm, name);
    await expectAwsError(stage({ SecretId: name, VersionStage: 'label-20', MoveToVersionId: v1 }), 'LimitExceededException');
    await expectAwsError(
      sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'x', VersionStages: ['one-more'] })),
      'LimitExceededException',
    );
    assert.deepEqual(await secretState(sm, name), state);
    // moving an existing label is fine at the limit
    const v2 = token();
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2, VersionStages: ['label-1'] }));
    assert.deepEqual((await labelsOf(sm, name))[v2], ['label-1']);
  });
});
