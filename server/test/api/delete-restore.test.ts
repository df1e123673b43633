// DeleteSecret (recovery window and force), RestoreSecret and the purge after the window. The server's
// clock is moved forward; the SDK clients sign with the same offset (systemClockOffset) so SigV4's
// 15-minute skew check still passes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { DAY_MS, MARKED_FOR_DELETION, SECRET_NOT_FOUND, expectAwsError, movableClock, secretState, uniqueName } from './helpers.ts';

const clock = movableClock();
let server: TestServer;
const clients: SecretsManagerClient[] = [];

before(async () => {
  server = await startTestServer({ now: clock.now });
});
after(async () => {
  clients.forEach((c) => c.destroy());
  await server.close();
});

/**
 * A client whose clock agrees with the server's moved clock. One per call: the SDK re-corrects its offset
 * from the HTTP Date header of each answer, which carries the real time.
 */
function sm(): SecretsManagerClient {
  const c = new SecretsManagerClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
    systemClockOffset: clock.offset(),
  });
  clients.push(c);
  return c;
}

const fields = (o: object) => Object.keys(o).filter((k) => k !== '$metadata').sort();
const near = (actual: Date | undefined, expected: number, slack = 60_000) =>
  assert.ok(actual && Math.abs(actual.getTime() - expected) < slack, `${actual?.toISOString()} ≈ ${new Date(expected).toISOString()}`);

async function newSecret(): Promise<{ name: string; arn: string }> {
  const name = uniqueName('del');
  const res = await sm().send(new CreateSecretCommand({ Name: name, SecretString: 'value' }));
  return { name, arn: res.ARN! };
}

describe('DeleteSecret', () => {
  it('schedules with a 30-day window by default and still describes, with DeletedDate', async () => {
    const { name, arn } = await newSecret();
    const res = await sm().send(new DeleteSecretCommand({ SecretId: name }));
    assert.deepEqual(fields(res), ['ARN', 'DeletionDate', 'Name']);
    assert.equal(res.ARN, arn);
    near(res.DeletionDate, clock.now() + 30 * DAY_MS);
    const d = await sm().send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.DeletedDate!.getTime(), res.DeletionDate!.getTime());
    await expectAwsError(sm().send(new GetSecretValueCommand({ SecretId: name })), 'InvalidRequestException', MARKED_FOR_DELETION);
    // the versions are still there
    assert.equal((await sm().send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions!.length, 1);
  });

  it('accepts windows of 7 and 30 days and refuses 6 and 31', async () => {
    for (const days of [7, 30]) {
      const { name } = await newSecret();
      const res = await sm().send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: days }));
      near(res.DeletionDate, clock.now() + days * DAY_MS);
    }
    const { name } = await newSecret();
    const state = await secretState(sm(), name);
    for (const days of [6, 31, 0, -1]) {
      await expectAwsError(
        sm().send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: days })),
        'InvalidParameterException',
        'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
      );
    }
    assert.deepEqual(await secretState(sm(), name), state);
  });

  it('refuses ForceDeleteWithoutRecovery together with RecoveryWindowInDays', async () => {
    const { name } = await newSecret();
    const state = await secretState(sm(), name);
    await expectAwsError(
      sm().send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })),
      'InvalidParameterException',
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
    assert.deepEqual(await secretState(sm(), name), state);
  });

  it('deletes at once with ForceDeleteWithoutRecovery, also a secret already scheduled', async () => {
    const { name, arn } = await newSecret();
    const res = await sm().send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    assert.equal(res.ARN, arn);
    near(res.DeletionDate, clock.now());
    await expectAwsError(sm().send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException', SECRET_NOT_FOUND);

    const scheduled = await newSecret();
    await sm().send(new DeleteSecretCommand({ SecretId: scheduled.name }));
    await sm().send(new DeleteSecretCommand({ SecretId: scheduled.arn, ForceDeleteWithoutRecovery: true }));
    await expectAwsError(sm().send(new DescribeSecretCommand({ SecretId: scheduled.name })), 'ResourceNotFoundException');
    // the name is free again, with a new ARN
    const again = await sm().send(new CreateSecretCommand({ Name: scheduled.name, SecretString: 'x' }));
    assert.notEqual(again.ARN, scheduled.arn);
  });

  it('succeeds when force-deleting a secret that does not exist', async () => {
    const name = uniqueName('missing');
    const res = await sm().send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    assert.deepEqual(fields(res), ['ARN', 'DeletionDate', 'Name']);
    assert.equal(res.Name, name);
    assert.match(res.ARN!, new RegExp(`^arn:aws:secretsmanager:us-east-1:${server.app.accountId}:secret:${name}-[A-Za-z0-9]{6}$`));
    near(res.DeletionDate, clock.now());
    // without force it is ResourceNotFoundException
    await expectAwsError(sm().send(new DeleteSecretCommand({ SecretId: name })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
  });

  it('refuses to schedule a secret that is already scheduled, and keeps its date', async () => {
    const { name } = await newSecret();
    await sm().send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const state = await secretState(sm(), name);
    await expectAwsError(
      sm().send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 30 })),
      'InvalidRequestException',
      "You can't perform this operation on the secret because it was already scheduled for deletion.",
    );
    assert.deepEqual(await secretState(sm(), name), state);
  });
});

describe('RestoreSecret', () => {
  it('cancels the deletion and answers ARN and Name', async () => {
    const { name, arn } = await newSecret();
    await sm().send(new DeleteSecretCommand({ SecretId: name }));
    const res = await sm().send(new RestoreSecretCommand({ SecretId: arn }));
    assert.deepEqual(fields(res), ['ARN', 'Name']);
    assert.equal(res.ARN, arn);
    assert.equal('DeletedDate' in (await sm().send(new DescribeSecretCommand({ SecretId: name }))), false);
    assert.equal((await sm().send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'value');
    // restoring a live secret changes nothing
    const state = await secretState(sm(), name);
    await sm().send(new RestoreSecretCommand({ SecretId: name }));
    assert.deepEqual(await secretState(sm(), name), state);
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await expectAwsError(sm().send(new RestoreSecretCommand({ SecretId: uniqueName('nope') })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
  });
});

describe('purge after the recovery window', () => {
  it('keeps a secret until its window ends, then removes it for good', async () => {
    const short = await newSecret();
    const long = await newSecret();
    const live = await newSecret();
    await sm().send(new DeleteSecretCommand({ SecretId: short.name, RecoveryWindowInDays: 7 }));
    await sm().send(new DeleteSecretCommand({ SecretId: long.name, RecoveryWindowInDays: 30 }));

    clock.advance(6 * DAY_MS);
    await server.app.secrets.purgeExpired();
    assert.ok((await sm().send(new DescribeSecretCommand({ SecretId: short.name }))).DeletedDate);

    clock.advance(DAY_MS + 60_000);
    assert.ok((await server.app.secrets.purgeExpired()) >= 1);
    await expectAwsError(sm().send(new DescribeSecretCommand({ SecretId: short.name })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    await expectAwsError(sm().send(new RestoreSecretCommand({ SecretId: short.arn })), 'ResourceNotFoundException');
    assert.ok((await sm().send(new DescribeSecretCommand({ SecretId: long.name }))).DeletedDate);
    assert.equal((await sm().send(new GetSecretValueCommand({ SecretId: live.name }))).SecretString, 'value');

    // the name can be used again
    const again = await sm().send(new CreateSecretCommand({ Name: short.name, SecretString: 'new' }));
    assert.notEqual(again.ARN, short.arn);

    clock.advance(24 * DAY_MS);
    await server.app.secrets.purgeExpired();
    await expectAwsError(sm().send(new DescribeSecretCommand({ SecretId: long.name })), 'ResourceNotFoundException');
    assert.equal((await sm().send(new GetSecretValueCommand({ SecretId: live.name }))).SecretString, 'value');
  });
});

describe('deprecated versions', () => {
  it('keeps every version younger than 24 hours, then only the 100 most recent', async () => {
    const { name } = await newSecret();
    // in concurrent batches (the order among them does not matter: all are older than a day below), then v104 last
    for (let start = 0; start < 104; start += 26) {
      await Promise.all(Array.from({ length: 26 }, (_, i) => sm().send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${start + i}` }))));
    }
    await sm().send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v104' }));
    const count = async () => {
      const ids: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await sm().send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true, NextToken }));
        ids.push(...page.Versions!.map((v) => v.VersionId!));
        NextToken = page.NextToken;
      } while (NextToken);
      return ids;
    };
    assert.equal((await count()).length, 106);
    clock.advance(25 * 60 * 60 * 1000);
    await sm().send(new PutSecretValueCommand({ SecretId: name, SecretString: 'latest' }));
    const kept = await count();
    assert.equal(kept.length, 100);
    assert.equal((await sm().send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'latest');
    assert.equal((await sm().send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }))).SecretString, 'v104');
  });
});
