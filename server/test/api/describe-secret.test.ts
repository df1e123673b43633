// DescribeSecret and ListSecretVersionIds: which fields appear when, as the behaviours sheet records them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { DAY_MS, SECRET_NOT_FOUND, expectAwsError, movableClock, token, uniqueName } from './helpers.ts';

const clock = movableClock();
let server: TestServer;
let sm: SecretsManagerClient;

before(async () => {
  server = await startTestServer({ now: clock.now });
  sm = server.client();
});
after(() => server.close());

const fields = (o: object) => Object.keys(o).filter((k) => k !== '$metadata').sort();
const describeSecret = (id: string) => sm.send(new DescribeSecretCommand({ SecretId: id }));
const versions = (input: ConstructorParameters<typeof ListSecretVersionIdsCommand>[0]) => sm.send(new ListSecretVersionIdsCommand(input));

describe('DescribeSecret', () => {
  it('of a fresh secret has exactly ARN, CreatedDate, LastChangedDate, Name, VersionIdsToStages', async () => {
    const name = uniqueName('fresh');
    const t = token();
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', ClientRequestToken: t }));
    const d = await describeSecret(name);
    assert.deepEqual(fields(d), ['ARN', 'CreatedDate', 'LastChangedDate', 'Name', 'VersionIdsToStages']);
    assert.equal(d.ARN, created.ARN);
    assert.deepEqual(d.VersionIdsToStages, { [t]: ['AWSCURRENT'] });
    assert.ok(Math.abs(d.CreatedDate!.getTime() - clock.now()) < 60_000);
    // by full and partial ARN too
    assert.deepEqual(await describeSecret(created.ARN!).then(fields), fields(d));
    assert.equal((await describeSecret(created.ARN!.slice(0, -7))).Name, name);
  });

  it('omits VersionIdsToStages (not {}) while the secret has no version, in ListSecrets too', async () => {
    const name = uniqueName('noversion');
    await sm.send(new CreateSecretCommand({ Name: name }));
    const d = await describeSecret(name);
    assert.deepEqual(fields(d), ['ARN', 'CreatedDate', 'LastChangedDate', 'Name']);
    const listed = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }));
    assert.equal(listed.SecretList!.length, 1);
    assert.equal('SecretVersionsToStages' in listed.SecretList![0]!, false);
  });

  it('shows Description only when set', async () => {
    const name = uniqueName('desc');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', Description: 'about it' }));
    const d = await describeSecret(name);
    assert.deepEqual(fields(d), ['ARN', 'CreatedDate', 'Description', 'LastChangedDate', 'Name', 'VersionIdsToStages']);
  });

  it('has no Tags key until tagged; after removing every tag, Tags: [] stays', async () => {
    const name = uniqueName('tags');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    assert.equal('Tags' in (await describeSecret(name)), false);
    await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    assert.deepEqual((await describeSecret(name)).Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
    await sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['a', 'b'] }));
    const d = await describeSecret(name);
    assert.deepEqual(d.Tags, []);
  });

  it('has no LastAccessedDate before the first read; after it, the day of the read (UTC midnight)', async () => {
    const name = uniqueName('accessed');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    await describeSecret(name);
    await versions({ SecretId: name });
    assert.equal('LastAccessedDate' in (await describeSecret(name)), false);
    const dayBefore = clock.now() - (clock.now() % DAY_MS);
    await sm.send(new GetSecretValueCommand({ SecretId: name }));
    const d = await describeSecret(name);
    const dayAfter = clock.now() - (clock.now() % DAY_MS);
    assert.ok([dayBefore, dayAfter].includes(d.LastAccessedDate!.getTime()), d.LastAccessedDate!.toISOString());
    assert.equal(d.LastAccessedDate!.getTime() % DAY_MS, 0);
  });

  it('shows DeletedDate (the DeleteSecret DeletionDate) while scheduled, and not after RestoreSecret', async () => {
    const name = uniqueName('deleted');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    const del = await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 10 }));
    const d = await describeSecret(name);
    assert.equal(d.DeletedDate!.getTime(), del.DeletionDate!.getTime());
    assert.equal('DeletionDate' in d, false);
    await sm.send(new RestoreSecretCommand({ SecretId: name }));
    assert.equal('DeletedDate' in (await describeSecret(name)), false);
  });

  it('shows a customer KmsKeyId but none for the default key, and no RotationEnabled', async () => {
    const name = uniqueName('kms');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', KmsKeyId: '' }));
    const d = await describeSecret(name);
    assert.equal('KmsKeyId' in d, false);
    assert.equal('RotationEnabled' in d, false);
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await expectAwsError(describeSecret(uniqueName('nope')), 'ResourceNotFoundException', SECRET_NOT_FOUND);
  });
});

describe('ListSecretVersionIds', () => {
  it('returns ARN, Name and Versions with DefaultEncryptionKey and no NextToken when nothing follows', async () => {
    const name = uniqueName('lv');
    const v1 = token();
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', ClientRequestToken: v1 }));
    const res = await versions({ SecretId: name });
    assert.deepEqual(fields(res), ['ARN', 'Name', 'Versions']);
    assert.equal(res.ARN, created.ARN);
    assert.equal(res.Name, name);
    assert.equal(res.Versions!.length, 1);
    const [v] = res.Versions!;
    assert.deepEqual(fields(v), ['CreatedDate', 'KmsKeyIds', 'VersionId', 'VersionStages']);
    assert.deepEqual(v.KmsKeyIds, ['DefaultEncryptionKey']);
    assert.equal(v.VersionId, v1);
    assert.deepEqual(v.VersionStages, ['AWSCURRENT']);
  });

  it('shows LastAccessedDate only on versions that were read', async () => {
    const name = uniqueName('lvread');
    const v1 = token();
    const v2 = token();
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x', ClientRequestToken: v1 }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'y', ClientRequestToken: v2 }));
    await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
    const res = await versions({ SecretId: name });
    const byId = new Map(res.Versions!.map((v) => [v.VersionId, v]));
    assert.equal(byId.get(v1)!.LastAccessedDate!.getTime() % DAY_MS, 0);
    assert.equal('LastAccessedDate' in byId.get(v2)!, false);
  });

  it('hides unlabelled versions unless IncludeDeprecated, which shows them without VersionStages', async () => {
    const name = uniqueName('lvdep');
    const ids = [token(), token(), token()];
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: '0', ClientRequestToken: ids[0] }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: '1', ClientRequestToken: ids[1] }));
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: '2', ClientRequestToken: ids[2] }));
    const live = await versions({ SecretId: name });
    assert.deepEqual(live.Versions!.map((v) => v.VersionId).sort(), [ids[1], ids[2]].sort());
    const all = await versions({ SecretId: name, IncludeDeprecated: true });
    assert.equal(all.Versions!.length, 3);
    const deprecated = all.Versions!.find((v) => v.VersionId === ids[0])!;
    assert.deepEqual(fields(deprecated), ['CreatedDate', 'KmsKeyIds', 'VersionId']);
  });

  it('pages with MaxResults without duplicates or misses; bad tokens are InvalidNextTokenException', async () => {
    const name = uniqueName('lvpage');
    const other = uniqueName('lvother');
    const ids = [token()];
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: '0', ClientRequestToken: ids[0] }));
    for (let i = 1; i < 5; i++) {
      ids.push(token());
      await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: String(i), ClientRequestToken: ids[i], VersionStages: [`s${i}`] }));
    }
    await sm.send(new CreateSecretCommand({ Name: other, SecretString: 'x' }));
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    let firstToken: string | undefined;
    do {
      const page = await versions({ SecretId: name, MaxResults: 2, NextToken });
      pages += 1;
      assert.ok(page.Versions!.length <= 2);
      seen.push(...page.Versions!.map((v) => v.VersionId!));
      NextToken = page.NextToken;
      firstToken ??= NextToken;
      if (!NextToken) assert.equal('NextToken' in page, false);
    } while (NextToken);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), [...ids].sort());
    await expectAwsError(versions({ SecretId: name, NextToken: 'garbage' }), 'InvalidNextTokenException');
    await expectAwsError(versions({ SecretId: other, NextToken: firstToken }), 'InvalidNextTokenException');
    await expectAwsError(
      versions({ SecretId: name, MaxResults: 0 }),
      'ValidationException',
      "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await expectAwsError(versions({ SecretId: uniqueName('nope') }), 'ResourceNotFoundException', SECRET_NOT_FOUND);
  });
});
