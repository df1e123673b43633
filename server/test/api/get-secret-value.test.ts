// GetSecretValue through the SDK: SecretId forms, version selection and its error texts, dates, binary.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { INVALID_NAME, MARKED_FOR_DELETION, SECRET_NOT_FOUND, expectAwsError, movableClock, token, uniqueName } from './helpers.ts';

const clock = movableClock();
let server: TestServer;
let sm: SecretsManagerClient;

before(async () => {
  server = await startTestServer({ now: clock.now });
  sm = server.client();
});
after(() => server.close());

const get = (input: ConstructorParameters<typeof GetSecretValueCommand>[0]) => sm.send(new GetSecretValueCommand(input));

describe('GetSecretValue', () => {
  it('answers by name, full ARN and partial ARN with exactly the fields AWS returns', async () => {
    const name = uniqueName('get');
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    const partial = created.ARN!.slice(0, -7);
    assert.equal(partial.endsWith(`:secret:${name}`), true);
    for (const id of [name, created.ARN!, partial]) {
      const { $metadata: _, ...res } = await get({ SecretId: id });
      assert.deepEqual(Object.keys(res).sort(), ['ARN', 'CreatedDate', 'Name', 'SecretString', 'VersionId', 'VersionStages']);
      assert.equal(res.ARN, created.ARN);
      assert.equal(res.Name, name);
      assert.equal(res.SecretString, 'v1');
      assert.equal(res.VersionId, created.VersionId);
      assert.deepEqual(res.VersionStages, ['AWSCURRENT']);
    }
  });

  it('resolves a partial ARN for a name that itself ends like a suffix (db-a1b2c3)', async () => {
    const name = `${uniqueName('x')}-a1b2c3`;
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'suffixed' }));
    const partial = created.ARN!.slice(0, -7);
    assert.equal((await get({ SecretId: partial })).SecretString, 'suffixed');
    assert.equal((await get({ SecretId: created.ARN })).SecretString, 'suffixed');
  });

  it('does not find a full ARN with a wrong suffix or an unknown name; another account\'s ARN is AccessDenied', async () => {
    const name = uniqueName('miss');
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    const arn = created.ARN!;
    const wrongSuffix = arn.slice(0, -6) + (arn.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    const otherAccount = arn.replace(`:${server.app.accountId}:`, server.app.accountId === '111111111111' ? ':222222222222:' : ':111111111111:');
    for (const id of [wrongSuffix, `${name}-nope`, uniqueName('never')]) {
      await expectAwsError(get({ SecretId: id }), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    }
    // Another account's secret is reached through its resource policy (test/access/cross-account.test.ts);
    // without one the answer is AccessDenied, whether the secret exists or not, as in AWS.
    await expectAwsError(get({ SecretId: otherAccount }), 'AccessDeniedException', /because no resource-based policy allows the secretsmanager:GetSecretValue action$/);
  });

  it('selects by VersionId, by VersionStage and by both', async () => {
    const name = uniqueName('ver');
    const v1 = token();
    const v2 = token();
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one', ClientRequestToken: v1 }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', ClientRequestToken: v2 }));
    assert.equal((await get({ SecretId: name, VersionId: v1 })).SecretString, 'one');
    assert.deepEqual((await get({ SecretId: name, VersionId: v1 })).VersionStages, ['AWSPREVIOUS']);
    assert.equal((await get({ SecretId: name, VersionStage: 'AWSPREVIOUS' })).SecretString, 'one');
    assert.equal((await get({ SecretId: name, VersionStage: 'AWSCURRENT' })).SecretString, 'two');
    assert.equal((await get({ SecretId: name, VersionId: v2, VersionStage: 'AWSCURRENT' })).SecretString, 'two');
    assert.equal((await get({ SecretId: name })).VersionId, v2);
  });

  it("answers AWS's texts for a wrong stage, an unknown version and an unknown stage", async () => {
    const name = uniqueName('vererr');
    const v1 = token();
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one', ClientRequestToken: v1 }));
    await expectAwsError(
      get({ SecretId: name, VersionId: v1, VersionStage: 'AWSPREVIOUS' }),
      'InvalidRequestException',
      'You provided a VersionStage that is not associated to the provided VersionId.',
    );
    const unknown = token();
    await expectAwsError(
      get({ SecretId: name, VersionId: unknown }),
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for VersionId: ${unknown}`,
    );
    await expectAwsError(
      get({ SecretId: name, VersionStage: 'NOPE' }),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: NOPE",
    );
    await expectAwsError(
      get({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    );
  });

  it('answers ResourceNotFoundException for a secret without a value', async () => {
    const name = uniqueName('novalue');
    await sm.send(new CreateSecretCommand({ Name: name }));
    await expectAwsError(
      get({ SecretId: name }),
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
  });

  it('refuses a secret scheduled for deletion and does not record the attempt as a read', async () => {
    const name = uniqueName('deleted');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    await expectAwsError(get({ SecretId: name }), 'InvalidRequestException', MARKED_FOR_DELETION);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.LastAccessedDate, undefined);
  });

  it("returns the version's CreatedDate, not the secret's", async () => {
    const name = uniqueName('dates');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    const created = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).CreatedDate!;
    const firstVersion = (await get({ SecretId: name })).CreatedDate!;
    clock.advance(5 * 60 * 1000); // within SigV4's 15 minutes of skew
    const before = Date.now() + clock.offset();
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    const res = await get({ SecretId: name });
    assert.ok(res.CreatedDate!.getTime() >= before - 1, `${res.CreatedDate!.toISOString()} is the new version's time`);
    assert.ok(res.CreatedDate!.getTime() - created.getTime() >= 5 * 60 * 1000 - 1000);
    const previous = await get({ SecretId: name, VersionStage: 'AWSPREVIOUS' });
    assert.equal(previous.CreatedDate!.getTime(), firstVersion.getTime());
    // DescribeSecret's CreatedDate stays the secret's
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).CreatedDate!.getTime(), created.getTime());
  });

  it('round-trips binary values of every size up to 64 KiB', async () => {
    for (const size of [1, 3, 1000, 65536]) {
      const name = uniqueName('binary');
      const bytes = randomBytes(size);
      await sm.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));
      const res = await get({ SecretId: name });
      assert.equal(res.SecretString, undefined);
      assert.equal(Buffer.compare(Buffer.from(res.SecretBinary!), bytes), 0, `size ${size}`);
    }
  });

  it('round-trips a string of 65536 characters and multi-byte text', async () => {
    for (const text of ['a'.repeat(65536), 'päss wörd ✓ 密码 😀', '{"user":"u","password":"p\\"q"}']) {
      const name = uniqueName('text');
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: text }));
      assert.equal((await get({ SecretId: name })).SecretString, text);
    }
  });

  it('validates the SecretId of every operation before looking it up', async () => {
    const v = token();
    for (const bad of ['has space', 'star*', 'what?', 'back\\slash', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a b-abcdef']) {
      const SecretId = bad;
      const calls: Array<Promise<unknown>> = [
        get({ SecretId }),
        sm.send(new DescribeSecretCommand({ SecretId })),
        sm.send(new ListSecretVersionIdsCommand({ SecretId })),
        sm.send(new PutSecretValueCommand({ SecretId, SecretString: 'x' })),
        sm.send(new UpdateSecretCommand({ SecretId, Description: 'x' })),
        sm.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'x', MoveToVersionId: v })),
        sm.send(new DeleteSecretCommand({ SecretId })),
        sm.send(new DeleteSecretCommand({ SecretId, ForceDeleteWithoutRecovery: true })),
        sm.send(new RestoreSecretCommand({ SecretId })),
        sm.send(new TagResourceCommand({ SecretId, Tags: [{ Key: 'k', Value: 'v' }] })),
        sm.send(new UntagResourceCommand({ SecretId, TagKeys: ['k'] })),
      ];
      // the answers come in any order (a write's waits for the disk); each is checked below
      for (const call of calls) call.catch(() => {});
      for (const call of calls) await expectAwsError(call, 'ValidationException', INVALID_NAME);
    }
    const batch = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['has space'] }));
    assert.deepEqual(batch.Errors, [{ SecretId: 'has space', ErrorCode: 'ValidationException', Message: INVALID_NAME }]);
  });
});
