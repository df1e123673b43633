// PutSecretValue through the SDK: default and explicit staging labels, idempotency by token, errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  INVALID_NAME,
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

const put = (input: ConstructorParameters<typeof PutSecretValueCommand>[0]) => sm.send(new PutSecretValueCommand(input));

async function newSecret(value = 'v1'): Promise<{ name: string; v1: string }> {
  const name = uniqueName('put');
  const v1 = token();
  await sm.send(new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: v1 }));
  return { name, v1 };
}

describe('PutSecretValue', () => {
  it('moves AWSCURRENT to the new version and AWSPREVIOUS to the old current', async () => {
    const { name, v1 } = await newSecret();
    const v2 = token();
    const { $metadata: _, ...res } = await put({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2 });
    assert.deepEqual(Object.keys(res).sort(), ['ARN', 'Name', 'VersionId', 'VersionStages']);
    assert.equal(res.VersionId, v2);
    assert.deepEqual(res.VersionStages, ['AWSCURRENT']);
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v2');
  });

  it('drops the former AWSPREVIOUS from DescribeSecret and ListSecretVersionIds once it has no label', async () => {
    const { name, v1 } = await newSecret();
    const v2 = token();
    const v3 = token();
    await put({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2 });
    await put({ SecretId: name, SecretString: 'v3', ClientRequestToken: v3 });
    assert.deepEqual(await labelsOf(sm, name), { [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.deepEqual(listed.Versions!.map((v) => v.VersionId).sort(), [v2, v3].sort());
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    const old = all.Versions!.find((v) => v.VersionId === v1);
    assert.ok(old, 'the deprecated version is listed with IncludeDeprecated');
    assert.equal('VersionStages' in old, false);
    // and its value can still be read by id
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }))).SecretString, 'v1');
  });

  it('moves explicit labels, never copies them: [one,two,four] after [one,two,three] leaves [three]', async () => {
    const { name, v1 } = await newSecret();
    const v2 = token();
    const v3 = token();
    const r2 = await put({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2, VersionStages: ['one', 'two', 'three'] });
    assert.deepEqual([...r2.VersionStages!].sort(), ['one', 'three', 'two']);
    const r3 = await put({ SecretId: name, SecretString: 'v3', ClientRequestToken: v3, VersionStages: ['one', 'two', 'four'] });
    assert.deepEqual([...r3.VersionStages!].sort(), ['four', 'one', 'two']);
    // without AWSCURRENT among them, AWSCURRENT and AWSPREVIOUS stay where they are
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT'], [v2]: ['three'], [v3]: ['four', 'one', 'two'] });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v1');
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'three' }))).SecretString, 'v2');
  });

  it('with AWSCURRENT among explicit labels, AWSPREVIOUS follows as usual; any label text is accepted', async () => {
    const { name, v1 } = await newSecret();
    const v2 = token();
    const label = 'any label: with spaces & ünïcode';
    await put({ SecretId: name, SecretString: 'v2', ClientRequestToken: v2, VersionStages: ['AWSCURRENT', label] });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT', label].sort() });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: label }))).SecretString, 'v2');
  });

  it('gives the first version AWSCURRENT whatever labels were asked for', async () => {
    const name = uniqueName('first');
    await sm.send(new CreateSecretCommand({ Name: name }));
    const v1 = token();
    const res = await put({ SecretId: name, SecretString: 'first', ClientRequestToken: v1, VersionStages: ['custom'] });
    assert.deepEqual([...res.VersionStages!].sort(), ['AWSCURRENT', 'custom']);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'first');
  });

  it('does nothing for the same token and the same value', async () => {
    const { name, v1 } = await newSecret('same');
    const v2 = token();
    await put({ SecretId: name, SecretString: 'next', ClientRequestToken: v2 });
    const state = await secretState(sm, name);
    clock.advance(1000);
    const again = await put({ SecretId: name, SecretString: 'next', ClientRequestToken: v2 });
    assert.equal(again.VersionId, v2);
    assert.deepEqual(again.VersionStages, ['AWSCURRENT']);
    // an older version re-put with its own value stays where it is too
    const older = await put({ SecretId: name, SecretString: 'same', ClientRequestToken: v1 });
    assert.deepEqual(older.VersionStages, ['AWSPREVIOUS']);
    assert.deepEqual(await secretState(sm, name), state);
  });

  it('refuses the same token with another value (ResourceExistsException) and changes nothing', async () => {
    const { name, v1 } = await newSecret('orig');
    const state = await secretState(sm, name);
    const { ARN } = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    await expectAwsError(
      put({ SecretId: name, SecretString: 'different', ClientRequestToken: v1 }),
      'ResourceExistsException',
      `You can't use ClientRequestToken ${v1} because that value is already in use for a version of secret ${ARN}.`,
    );
    // same bytes, but binary instead of string, is another value
    await expectAwsError(put({ SecretId: name, SecretBinary: Buffer.from('orig'), ClientRequestToken: v1 }), 'ResourceExistsException');
    assert.deepEqual(await secretState(sm, name), state);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'orig');
  });

  it('turns a [AWSCURRENT, AWSPENDING] version into [AWSPREVIOUS] on a plain put', async () => {
    const { name, v1 } = await newSecret();
    const v2 = token();
    await put({ SecretId: name, SecretString: 'pending', ClientRequestToken: v2, VersionStages: ['AWSPENDING'] });
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING'] });
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 }));
    assert.deepEqual(await labelsOf(sm, name), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT', 'AWSPENDING'] });
    const v3 = token();
    await put({ SecretId: name, SecretString: 'v3', ClientRequestToken: v3 });
    assert.deepEqual(await labelsOf(sm, name), { [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
  });

  it('moves LastChangedDate', async () => {
    const { name } = await newSecret();
    const before = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).LastChangedDate!;
    clock.advance(2000);
    await put({ SecretId: name, SecretString: 'later' });
    const after = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).LastChangedDate!;
    assert.ok(after.getTime() >= before.getTime() + 2000);
  });

  it('refuses a missing value, both values, bad ids, unknown and deleted secrets, and changes nothing', async () => {
    const { name } = await newSecret('keep');
    const state = await secretState(sm, name);
    await expectAwsError(put({ SecretId: name }), 'InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
    await expectAwsError(
      put({ SecretId: name, SecretString: 'a', SecretBinary: Buffer.from('b') }),
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
    await expectAwsError(put({ SecretId: 'bad name', SecretString: 'x' }), 'ValidationException', INVALID_NAME);
    await expectAwsError(put({ SecretId: uniqueName('none'), SecretString: 'x' }), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    await expectAwsError(
      put({ SecretId: name, SecretString: 'x', VersionStages: Array.from({ length: 21 }, (_, i) => `l${i}`) }),
      'ValidationException',
      /^1 validation error detected: Value '\[l0, l1, .*l20\]' at 'versionStages' failed to satisfy constraint: Member must have length less than or equal to 20$/,
    );
    await expectAwsError(put({ SecretId: name, SecretString: 'x', VersionStages: [] }), 'ValidationException', /at 'versionStages'/);
    assert.deepEqual(await secretState(sm, name), state);

    await sm.send(new DeleteSecretCommand({ SecretId: name }));
    const deleted = await secretState(sm, name);
    await expectAwsError(put({ SecretId: name, SecretString: 'x' }), 'InvalidRequestException', MARKED_FOR_DELETION);
    assert.deepEqual(await secretState(sm, name), deleted);
  });
});

describe('concurrent writes', () => {
  const holders = (labels: Record<string, string[]>, label: string) => Object.keys(labels).filter((v) => labels[v].includes(label));

  it('keeps exactly one AWSCURRENT and one AWSPREVIOUS under 20 concurrent puts', async () => {
    const { name } = await newSecret();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => put({ SecretId: name, SecretString: `c${i}` })));
    assert.equal(new Set(results.map((r) => r.VersionId)).size, 20);
    const labels = await labelsOf(sm, name);
    assert.equal(holders(labels, 'AWSCURRENT').length, 1);
    assert.equal(holders(labels, 'AWSPREVIOUS').length, 1);
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    assert.equal(all.Versions!.length, 21);
    const current = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(current.VersionId, holders(labels, 'AWSCURRENT')[0]);
    assert.equal(current.SecretString, `c${results.findIndex((r) => r.VersionId === current.VersionId)}`);
  });

  it('lets exactly one of ten concurrent CreateSecret calls for one name win', async () => {
    const name = uniqueName('race');
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => sm.send(new CreateSecretCommand({ Name: name, SecretString: `r${i}` }))),
    );
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 1);
    for (const s of settled) {
      if (s.status === 'rejected') assert.equal((s.reason as Error).name, 'ResourceExistsException');
    }
  });

  it('answers concurrent retries of one CreateSecret (same token, same value) alike, with one version', async () => {
    const name = uniqueName('retry');
    const t = token();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => sm.send(new CreateSecretCommand({ Name: name, SecretString: 'same', ClientRequestToken: t }))),
    );
    assert.equal(new Set(results.map((r) => r.ARN)).size, 1);
    assert.ok(results.every((r) => r.VersionId === t));
    assert.deepEqual(await labelsOf(sm, name), { [t]: ['AWSCURRENT'] });
  });

  it('creates the default key once when a new region starts with concurrent writes', async () => {
    const fresh = server.client({ region: 'ca-central-1' });
    const names = Array.from({ length: 10 }, () => uniqueName('fresh'));
    await Promise.all(names.map((n) => fresh.send(new CreateSecretCommand({ Name: n, SecretString: n }))));
    for (const n of names) {
      assert.equal((await fresh.send(new GetSecretValueCommand({ SecretId: n }))).SecretString, n);
      const v = await fresh.send(new ListSecretVersionIdsCommand({ SecretId: n }));
      assert.deepEqual(v.Versions![0].KmsKeyIds, ['DefaultEncryptionKey']);
    }
  });
});
