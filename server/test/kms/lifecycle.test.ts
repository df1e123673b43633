// KMS keys through @aws-sdk/client-kms against a real server: CreateKey, DescribeKey, ListKeys, enable and
// disable, scheduled deletion and its cancellation, descriptions and tags, the AWS managed key, and the
// error of each refusal.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { DAY_MS, expectAwsError, newKey, startKmsServer, uniqueName, type KmsTestServer } from './helpers.ts';

let t: KmsTestServer;
let kms: KMSClient;
let account: string;

before(async () => {
  t = await startKmsServer();
  kms = t.kms;
  account = t.server.app.accountId;
});
after(() => t.close());

const describeKey = async (KeyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;

describe('KMS keys', () => {
  it('CreateKey and DescribeKey show a symmetric key as AWS does', async () => {
    const before = Date.now() + t.clock.offset();
    const { KeyMetadata: m } = await kms.send(
      new CreateKeyCommand({ Description: 'app key', Tags: [{ TagKey: 'team', TagValue: 'a' }, { TagKey: 'env', TagValue: 'prod' }] }),
    );
    assert.match(m!.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const { CreationDate, ...rest } = m!;
    assert.ok(Math.abs(CreationDate!.getTime() - before) < 5000);
    assert.deepEqual(rest, {
      AWSAccountId: account,
      KeyId: m!.KeyId,
      Arn: `arn:aws:kms:us-east-1:${account}:key/${m!.KeyId}`,
      Enabled: true,
      Description: 'app key',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    });
    assert.deepEqual(await describeKey(m!.KeyId!), m);
    assert.deepEqual(await describeKey(m!.Arn!), m);
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: m!.KeyId }));
    assert.deepEqual(tags.Tags, [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'team', TagValue: 'a' }]);
    assert.equal(tags.Truncated, false);
  });

  it('CreateKey refuses what Coffer does not support, and reserved tags', async () => {
    await expectAwsError(kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048' })), 'UnsupportedOperationException', /KeySpec RSA_2048 is not supported/);
    await expectAwsError(kms.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY' })), 'UnsupportedOperationException', /KeyUsage SIGN_VERIFY/);
    await expectAwsError(kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' })), 'UnsupportedOperationException', /Origin EXTERNAL/);
    await expectAwsError(kms.send(new CreateKeyCommand({ MultiRegion: true })), 'UnsupportedOperationException', /multi-Region/);
    await expectAwsError(kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'aws:x', TagValue: '' }] })), 'TagException', 'Tags beginning with aws: are reserved');
  });

  it('unknown, malformed and other-region keys are NotFound with the reference in the message', async () => {
    const id = '00000000-1111-2222-3333-444444444444';
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: id })), 'NotFoundException', `Key 'arn:aws:kms:us-east-1:${account}:key/${id}' does not exist`);
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: 'not-a-key' })), 'NotFoundException', 'Invalid keyId not-a-key');
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' })), 'NotFoundException', `Alias arn:aws:kms:us-east-1:${account}:alias/nope is not found.`);
    const mine = await newKey(kms);
    await expectAwsError(t.kmsIn('eu-west-1').send(new DescribeKeyCommand({ KeyId: mine.id })), 'NotFoundException', /does not exist/);
    await expectAwsError(kms.send(new DisableKeyCommand({ KeyId: 'alias/nope' })), 'NotFoundException', 'Invalid keyId alias/nope');
  });

  it('ListKeys pages with Limit and Marker, scoped to the region', async () => {
    const regional = t.kmsIn('ap-southeast-2');
    const ids = [await newKey(regional), await newKey(regional), await newKey(regional)].map((k) => k.id).sort();
    const first = await regional.send(new ListKeysCommand({ Limit: 2 }));
    assert.equal(first.Truncated, true);
    assert.equal(first.Keys!.length, 2);
    const second = await regional.send(new ListKeysCommand({ Limit: 2, Marker: first.NextMarker }));
    assert.equal(second.Truncated, false);
    assert.equal(second.NextMarker, undefined);
    assert.deepEqual([...first.Keys!, ...second.Keys!].map((k) => k.KeyId), ids);
    assert.equal(first.Keys![0].KeyArn, `arn:aws:kms:ap-southeast-2:${account}:key/${ids[0]}`);
    await expectAwsError(regional.send(new ListKeysCommand({ Marker: 'garbage' })), 'InvalidMarkerException');
  });

  it('DisableKey and EnableKey change the state (repeating either is fine)', async () => {
    const { id } = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: id }));
    await kms.send(new DisableKeyCommand({ KeyId: id }));
    assert.deepEqual([(await describeKey(id)).KeyState, (await describeKey(id)).Enabled], ['Disabled', false]);
    await kms.send(new EnableKeyCommand({ KeyId: id }));
    await kms.send(new EnableKeyCommand({ KeyId: id }));
    assert.deepEqual([(await describeKey(id)).KeyState, (await describeKey(id)).Enabled], ['Enabled', true]);
  });

  it('ScheduleKeyDeletion (7-30 days) leaves only CancelKeyDeletion, which leaves the key Disabled', async () => {
    const { id, arn } = await newKey(kms);
    for (const days of [6, 31]) {
      await expectAwsError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: days })), 'ValidationException', new RegExp(`Value '${days}' at 'pendingWindowInDays'`));
    }
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }));
    assert.equal(scheduled.KeyId, arn);
    assert.equal(scheduled.KeyState, 'PendingDeletion');
    assert.equal(scheduled.PendingWindowInDays, 7);
    assert.ok(Math.abs(scheduled.DeletionDate!.getTime() - (Date.now() + t.clock.offset() + 7 * DAY_MS)) < 5000);
    const m = await describeKey(id);
    assert.deepEqual([m.KeyState, m.Enabled, m.DeletionDate?.getTime()], ['PendingDeletion', false, scheduled.DeletionDate!.getTime()]);

    const pending = `${arn} is pending deletion.`;
    await expectAwsError(kms.send(new EnableKeyCommand({ KeyId: id })), 'KMSInvalidStateException', pending);
    await expectAwsError(kms.send(new DisableKeyCommand({ KeyId: id })), 'KMSInvalidStateException', pending);
    await expectAwsError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: id })), 'KMSInvalidStateException', pending);
    await expectAwsError(kms.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: 'x' })), 'KMSInvalidStateException', pending);
    await expectAwsError(kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'k', TagValue: 'v' }] })), 'KMSInvalidStateException', pending);
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') })), 'KMSInvalidStateException', pending);
    await expectAwsError(kms.send(new GetKeyRotationStatusCommand({ KeyId: id })), 'KMSInvalidStateException', pending);

    assert.deepEqual((await kms.send(new CancelKeyDeletionCommand({ KeyId: id }))).KeyId, arn);
    const cancelled = await describeKey(id);
    assert.deepEqual([cancelled.KeyState, cancelled.DeletionDate], ['Disabled', undefined]);
    await expectAwsError(kms.send(new CancelKeyDeletionCommand({ KeyId: id })), 'KMSInvalidStateException', `${arn} is not pending deletion.`);
    const byDefault = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id }));
    assert.equal(byDefault.PendingWindowInDays, 30);
  });

  it('UpdateKeyDescription, TagResource, UntagResource and ListResourceTags paging', async () => {
    const { id } = await newKey(kms, 'before');
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: 'after' }));
    assert.equal((await describeKey(id)).Description, 'after');
    await kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }, { TagKey: 'c', TagValue: '3' }] }));
    await kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'a', TagValue: 'one' }] }));
    await kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['b', 'not-there'] }));
    const first = await kms.send(new ListResourceTagsCommand({ KeyId: id, Limit: 1 }));
    assert.deepEqual([first.Tags, first.Truncated], [[{ TagKey: 'a', TagValue: 'one' }], true]);
    const rest = await kms.send(new ListResourceTagsCommand({ KeyId: id, Limit: 1, Marker: first.NextMarker }));
    assert.deepEqual([rest.Tags, rest.Truncated], [[{ TagKey: 'c', TagValue: '3' }], false]);
    const many = Array.from({ length: 49 }, (_, i) => ({ TagKey: `k${i}`, TagValue: '' }));
    await expectAwsError(kms.send(new TagResourceCommand({ KeyId: id, Tags: many })), 'LimitExceededException', /at most 50 tags; this request would leave it with 51/);
    await expectAwsError(kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'AWS:x', TagValue: '' }] })), 'TagException');
  });

  it('the AWS managed key aws/secretsmanager is created by Secrets Manager and can only be described and listed', async () => {
    await t.sm.send(new CreateSecretCommand({ Name: uniqueName('managed'), SecretString: 'x' }));
    const m = await describeKey('alias/aws/secretsmanager');
    assert.equal(m.KeyManager, 'AWS');
    assert.equal(m.Description, 'Default key that protects my Secrets Manager data when no other key is defined');
    assert.ok((await kms.send(new ListKeysCommand({}))).Keys!.some((k) => k.KeyId === m.KeyId));
    const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: m.KeyId }));
    assert.deepEqual([rotation.KeyRotationEnabled, rotation.RotationPeriodInDays], [true, 365]);
    const denied = (action: string) =>
      `User: ${t.principalArn} is not authorized to perform: kms:${action} on resource: ${m.Arn} because no resource-based policy allows the kms:${action} action`;
    const calls: Array<[string, Promise<unknown>]> = [
      ['DisableKey', kms.send(new DisableKeyCommand({ KeyId: m.KeyId }))],
      ['ScheduleKeyDeletion', kms.send(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId }))],
      ['UpdateKeyDescription', kms.send(new UpdateKeyDescriptionCommand({ KeyId: m.KeyId, Description: 'mine' }))],
      ['TagResource', kms.send(new TagResourceCommand({ KeyId: m.KeyId, Tags: [{ TagKey: 'k', TagValue: 'v' }] }))],
      ['EnableKeyRotation', kms.send(new EnableKeyRotationCommand({ KeyId: m.KeyId }))],
      ['RotateKeyOnDemand', kms.send(new RotateKeyOnDemandCommand({ KeyId: m.KeyId }))],
      ['Encrypt', kms.send(new EncryptCommand({ KeyId: 'alias/aws/secretsmanager', Plaintext: Buffer.from('x') }))],
    ];
    for (const [action, call] of calls) await expectAwsError(call, 'AccessDeniedException', denied(action));
    assert.equal((await describeKey(m.KeyId!)).KeyState, 'Enabled');
  });
});
