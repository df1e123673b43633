// BatchGetSecretValue through the SDK: id lists with failures reported per id, filters with paging.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  type BatchGetSecretValueRequest,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { MARKED_FOR_DELETION, SECRET_NOT_FOUND, expectAwsError, token } from './helpers.ts';

let server: TestServer;
let sm: SecretsManagerClient;
const arns = new Map<string, string>();
const versions = new Map<string, string>();

before(async () => {
  server = await startTestServer();
  sm = server.client();
  for (let i = 0; i < 5; i++) {
    const name = `batch/app-${i}`;
    const t = token();
    const res = await sm.send(new CreateSecretCommand({ Name: name, SecretString: `value-${i}`, ClientRequestToken: t, Tags: [{ Key: 'group', Value: 'batch' }] }));
    arns.set(name, res.ARN!);
    versions.set(name, t);
  }
  await sm.send(new CreateSecretCommand({ Name: 'batch/binary', SecretBinary: Buffer.from([0, 1, 2]) }));
  await sm.send(new CreateSecretCommand({ Name: 'batch/empty' }));
  await sm.send(new CreateSecretCommand({ Name: 'batch/deleted', SecretString: 'gone' }));
  await sm.send(new DeleteSecretCommand({ SecretId: 'batch/deleted' }));
  await sm.send(new CreateSecretCommand({ Name: 'other', SecretString: 'not in batch' }));
});
after(() => server.close());

const batch = (input: BatchGetSecretValueRequest) => sm.send(new BatchGetSecretValueCommand(input));

describe('BatchGetSecretValue', () => {
  it('returns the values of an id list in order and one Errors entry per id it cannot read', async () => {
    const ids = ['batch/app-0', arns.get('batch/app-1')!, 'batch/missing', 'batch/binary', 'batch/empty', 'batch/deleted'];
    const res = await batch({ SecretIdList: ids });
    assert.deepEqual(res.SecretValues!.map((v) => v.Name), ['batch/app-0', 'batch/app-1', 'batch/binary']);
    const [first] = res.SecretValues!;
    assert.deepEqual(Object.keys(first).sort(), ['ARN', 'CreatedDate', 'Name', 'SecretString', 'VersionId', 'VersionStages']);
    assert.equal(first.SecretString, 'value-0');
    assert.equal(first.ARN, arns.get('batch/app-0'));
    assert.equal(first.VersionId, versions.get('batch/app-0'));
    assert.deepEqual(first.VersionStages, ['AWSCURRENT']);
    assert.deepEqual([...res.SecretValues![2].SecretBinary!], [0, 1, 2]);
    assert.deepEqual(res.Errors, [
      { SecretId: 'batch/missing', ErrorCode: 'ResourceNotFoundException', Message: SECRET_NOT_FOUND },
      {
        SecretId: 'batch/empty',
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      },
      { SecretId: 'batch/deleted', ErrorCode: 'InvalidRequestException', Message: MARKED_FOR_DELETION },
    ]);
    assert.equal(res.NextToken, undefined);
    // a read through the batch counts as an access
    assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: 'batch/app-0' }))).LastAccessedDate);
  });

  it('pages through the secrets that match Filters', async () => {
    const names: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const res = await batch({ Filters: [{ Key: 'name', Values: ['batch/app'] }], MaxResults: 2, NextToken });
      assert.ok(res.SecretValues!.length <= 2);
      assert.deepEqual(res.Errors ?? [], []);
      names.push(...res.SecretValues!.map((v) => v.Name!));
      for (const v of res.SecretValues!) assert.equal(v.SecretString, `value-${v.Name!.slice(-1)}`);
      NextToken = res.NextToken;
      pages += 1;
    } while (NextToken);
    assert.equal(pages, 3);
    assert.deepEqual(names.sort(), [...arns.keys()].sort());
    const tagged = await batch({ Filters: [{ Key: 'tag-value', Values: ['batch'] }, { Key: 'name', Values: ['!batch/app-4'] }] });
    assert.equal(tagged.SecretValues!.length, 4);
  });

  it('needs exactly one of SecretIdList and Filters, and paging only with Filters', async () => {
    await expectAwsError(batch({}), 'InvalidParameterException', 'Specify either SecretIdList or Filters, but not both.');
    await expectAwsError(
      batch({ SecretIdList: ['batch/app-0'], Filters: [{ Key: 'name', Values: ['batch'] }] }),
      'InvalidParameterException',
      'Specify either SecretIdList or Filters, but not both.',
    );
    await expectAwsError(batch({ SecretIdList: ['batch/app-0'], MaxResults: 2 }), 'InvalidParameterException', /only be used with Filters/);
    await expectAwsError(
      batch({ SecretIdList: Array.from({ length: 21 }, (_, i) => `s${i}`) }),
      'ValidationException',
      /at 'secretIdList' failed to satisfy constraint: Member must have length less than or equal to 20/,
    );
    await expectAwsError(batch({ Filters: [{ Key: 'name', Values: ['batch'] }], NextToken: 'bogus' }), 'InvalidNextTokenException');
  });
});
