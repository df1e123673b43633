// KMS aliases through @aws-sdk/client-kms: create, move, delete and list them, use them as KeyId, and the
// refusals: existing names, bad names, the reserved alias/aws/ prefix, alias targets, missing aliases.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { expectAwsError, newKey, startKmsServer, uniqueName, type KmsTestServer } from './helpers.ts';

let t: KmsTestServer;
let kms: KMSClient;
let account: string;

before(async () => {
  t = await startKmsServer();
  kms = t.kms;
  account = t.server.app.accountId;
});
after(() => t.close());

const aliasArn = (name: string) => `arn:aws:kms:us-east-1:${account}:${name}`;
const aliasesOf = async (KeyId?: string) => (await kms.send(new ListAliasesCommand({ KeyId }))).Aliases ?? [];

describe('KMS aliases', () => {
  it('an alias names its key in DescribeKey, Encrypt and ListAliases, and moves with UpdateAlias', async () => {
    const a = await newKey(kms);
    const b = await newKey(kms);
    const name = `alias/${uniqueName('app')}`;
    await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: a.id }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata!.KeyId, a.id);
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: aliasArn(name) }))).KeyMetadata!.KeyId, a.id);
    const [entry] = await aliasesOf(a.id);
    assert.deepEqual([entry.AliasName, entry.AliasArn, entry.TargetKeyId], [name, aliasArn(name), a.id]);
    assert.ok(entry.CreationDate instanceof Date && entry.LastUpdatedDate instanceof Date);

    const sealed = await kms.send(new EncryptCommand({ KeyId: aliasArn(name), Plaintext: Buffer.from('via alias') }));
    assert.equal(sealed.KeyId, a.arn);
    await kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: b.arn }));
    assert.deepEqual((await aliasesOf(b.id)).map((x) => x.AliasName), [name]);
    assert.deepEqual(await aliasesOf(a.id), []);
    // Old ciphertexts still name their own key; the alias only decides where new ones go.
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    assert.equal(Buffer.from(opened.Plaintext!).toString(), 'via alias');
    assert.equal((await kms.send(new EncryptCommand({ KeyId: name, Plaintext: Buffer.from('x') }))).KeyId, b.arn);

    await kms.send(new DeleteAliasCommand({ AliasName: name }));
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: name })), 'NotFoundException', `Alias ${aliasArn(name)} is not found.`);
    await expectAwsError(kms.send(new DeleteAliasCommand({ AliasName: name })), 'NotFoundException', `Alias ${aliasArn(name)} is not found.`);
    await expectAwsError(kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: a.id })), 'NotFoundException', `Alias ${aliasArn(name)} is not found.`);
  });

  it('refuses an existing name, bad names, the alias/aws/ prefix, alias targets and unusable targets', async () => {
    const key = await newKey(kms);
    const name = `alias/${uniqueName('taken')}`;
    await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.id }));
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.id })), 'AlreadyExistsException', `An alias with the name ${aliasArn(name)} already exists`);
    await expectAwsError(
      kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: key.id })),
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: 'alias/a:b', TargetKeyId: key.id })), 'ValidationException', 'alias/a:b contains invalid characters for an alias');
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: 'alias/a b', TargetKeyId: key.id })), 'ValidationException', /at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: key.id })), 'NotAuthorizedException', /alias\/aws\/ prefix is reserved/);
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: `alias/${uniqueName('x')}`, TargetKeyId: name })), 'ValidationException', 'Aliases must refer to keys. Not aliases');
    const missing = '00000000-0000-0000-0000-000000000000';
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: `alias/${uniqueName('x')}`, TargetKeyId: missing })), 'NotFoundException', /does not exist/);
    const doomed = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.id, PendingWindowInDays: 7 }));
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: `alias/${uniqueName('x')}`, TargetKeyId: doomed.id })), 'KMSInvalidStateException', `${doomed.arn} is pending deletion.`);
    await expectAwsError(kms.send(new UpdateAliasCommand({ AliasName: name, TargetKeyId: doomed.id })), 'KMSInvalidStateException', `${doomed.arn} is pending deletion.`);
    assert.deepEqual((await aliasesOf(key.id)).map((a) => a.AliasName), [name], 'nothing changed');
  });

  it('alias/aws/secretsmanager is listed once the default key exists, and users cannot move or delete it', async () => {
    const regional = t.kmsIn('sa-east-1');
    assert.deepEqual((await regional.send(new ListAliasesCommand({}))).Aliases, []);
    await t.server.client({ region: 'sa-east-1' }).send(new CreateSecretCommand({ Name: uniqueName('s'), SecretString: 'x' }));
    const [entry] = (await regional.send(new ListAliasesCommand({}))).Aliases!;
    const target = (await regional.send(new DescribeKeyCommand({ KeyId: 'alias/aws/secretsmanager' }))).KeyMetadata!;
    assert.deepEqual([entry.AliasName, entry.TargetKeyId], ['alias/aws/secretsmanager', target.KeyId]);
    const mine = await newKey(regional);
    await expectAwsError(regional.send(new DeleteAliasCommand({ AliasName: 'alias/aws/secretsmanager' })), 'NotAuthorizedException');
    await expectAwsError(regional.send(new UpdateAliasCommand({ AliasName: 'alias/aws/secretsmanager', TargetKeyId: mine.id })), 'NotAuthorizedException');
    // Nor can a user's alias point at the AWS managed key.
    await expectAwsError(regional.send(new CreateAliasCommand({ AliasName: 'alias/sneaky', TargetKeyId: target.KeyId })), 'AccessDeniedException', /kms:CreateAlias/);
  });

  it('ListAliases pages in name order and filters by key', async () => {
    const regional = t.kmsIn('ca-central-1');
    const key = await newKey(regional);
    const names = ['alias/c', 'alias/a', 'alias/b'];
    for (const AliasName of names) await regional.send(new CreateAliasCommand({ AliasName, TargetKeyId: key.id }));
    const first = await regional.send(new ListAliasesCommand({ Limit: 2 }));
    assert.deepEqual([first.Aliases!.map((a) => a.AliasName), first.Truncated], [['alias/a', 'alias/b'], true]);
    const second = await regional.send(new ListAliasesCommand({ Limit: 2, Marker: first.NextMarker }));
    assert.deepEqual([second.Aliases!.map((a) => a.AliasName), second.Truncated, second.NextMarker], [['alias/c'], false, undefined]);
    await expectAwsError(regional.send(new ListAliasesCommand({ KeyId: '00000000-0000-0000-0000-000000000000' })), 'NotFoundException');
    await expectAwsError(regional.send(new ListAliasesCommand({ Limit: 2, Marker: first.NextMarker, KeyId: key.id })), 'InvalidMarkerException');
  });
});
