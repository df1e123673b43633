// KMS: the KMS API is authorized like the rest (keys under AWS's default key policy: the account's identity policies
// decide), and a secret under a customer managed key needs the KMS permission too, as in AWS; the
// aws/secretsmanager key needs none.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand, UpdateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, permitted, startAccessServer, type AccessServer } from './helpers.ts';

for (const backend of BACKENDS) describe(`KMS permissions (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let root: SecretsManagerClient;
  let keyArn: string;
  let otherKeyArn: string;

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    root = t.sm(t.root);
    const kms = t.kms(t.root);
    keyArn = (await kms.send(new CreateKeyCommand({ Description: 'app' }))).KeyMetadata!.Arn!;
    otherKeyArn = (await kms.send(new CreateKeyCommand({ Description: 'other' }))).KeyMetadata!.Arn!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: keyArn }));
    await root.send(new CreateSecretCommand({ Name: 'kms/cmk', SecretString: 'under my key', KmsKeyId: 'alias/app' }));
    await root.send(new CreateSecretCommand({ Name: 'kms/default', SecretString: 'under the default key' }));
  });
  after(() => t.close());

  it('reading a secret under a customer managed key needs kms:Decrypt on that key', async () => {
    const smOnly = t.sm(await t.user('sm-only', { p: allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']) }));
    assert.equal((await smOnly.send(new GetSecretValueCommand({ SecretId: 'kms/default' }))).SecretString, 'under the default key');
    await smOnly.send(new PutSecretValueCommand({ SecretId: 'kms/default', SecretString: 'v2' }));
    await expectAwsError(
      smOnly.send(new GetSecretValueCommand({ SecretId: 'kms/cmk' })),
      'AccessDeniedException',
      `User: arn:aws:iam::${t.accountId}:user/sm-only is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`,
    );
    await expectAwsError(smOnly.send(new PutSecretValueCommand({ SecretId: 'kms/cmk', SecretString: 'v2' })), 'AccessDeniedException', /kms:GenerateDataKey/);
    const withKey = t.sm(await t.user('with-key', {
      p: allow('secretsmanager:GetSecretValue'),
      k: allow('kms:Decrypt', keyArn, { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } }),
    }));
    assert.equal((await withKey.send(new GetSecretValueCommand({ SecretId: 'kms/cmk' }))).SecretString, 'under my key');
    // Creating under a key needs kms:GenerateDataKey and kms:Decrypt on it.
    const creator = t.sm(await t.user('creator', { p: allow(['secretsmanager:CreateSecret', 'kms:GenerateDataKey']) }));
    await expectAwsError(creator.send(new CreateSecretCommand({ Name: 'kms/new', SecretString: 'x', KmsKeyId: keyArn })), 'AccessDeniedException', /kms:Decrypt/);
    await creator.send(new CreateSecretCommand({ Name: 'kms/new-default', SecretString: 'x' }));
  });

  it('UpdateSecret re-wraps the labelled versions under a new key only with kms:Encrypt on it, as AWS', async () => {
    const keysOf = async (SecretId: string) =>
      (await root.send(new ListSecretVersionIdsCommand({ SecretId }))).Versions!.map((v) => v.KmsKeyIds![0]);
    await root.send(new CreateSecretCommand({ Name: 'kms/move-user', SecretString: 'x' }));
    await root.send(new CreateSecretCommand({ Name: 'kms/move-root', SecretString: 'x' }));
    const mover = t.sm(await t.user('mover', { p: allow('secretsmanager:UpdateSecret') }));
    await mover.send(new UpdateSecretCommand({ SecretId: 'kms/move-user', KmsKeyId: keyArn }));
    assert.deepEqual(await keysOf('kms/move-user'), ['DefaultEncryptionKey'], 'left under the old key');
    await root.send(new UpdateSecretCommand({ SecretId: 'kms/move-root', KmsKeyId: keyArn }));
    assert.deepEqual(await keysOf('kms/move-root'), [keyArn]);
    await t.admin('PutUserPolicy', { UserName: 'mover', PolicyName: 'k', PolicyDocument: JSON.stringify(allow('kms:Encrypt', otherKeyArn)) });
    await mover.send(new UpdateSecretCommand({ SecretId: 'kms/move-root', KmsKeyId: otherKeyArn }));
    assert.deepEqual(await keysOf('kms/move-root'), [keyArn], 'kms:Decrypt on the old key is missing');
  });

  it('an UpdateSecret retry (token of an existing version) needs the key permissions first: no value oracle', async () => {
    const versionId = (await root.send(new ListSecretVersionIdsCommand({ SecretId: 'kms/cmk' }))).Versions![0]!.VersionId!;
    const updater = t.sm(await t.user('updater', { p: allow('secretsmanager:UpdateSecret') }));
    // the right value and a wrong one answer alike
    for (const SecretString of ['under my key', 'a guess']) {
      await expectAwsError(updater.send(new UpdateSecretCommand({ SecretId: 'kms/cmk', SecretString, ClientRequestToken: versionId })), 'AccessDeniedException', /kms:GenerateDataKey/);
    }
    const retried = await root.send(new UpdateSecretCommand({ SecretId: 'kms/cmk', SecretString: 'under my key', ClientRequestToken: versionId }));
    assert.equal(retried.VersionId, versionId);
  });

  it('CreateSecret and PutSecretValue retries need kms:Decrypt on the existing key first: no value oracle', async () => {
    const versionId = (await root.send(new ListSecretVersionIdsCommand({ SecretId: 'kms/cmk' }))).Versions![0]!.VersionId!;
    // kms:GenerateDataKey and kms:Decrypt on the default key only: a CreateSecret under it passes its own key checks.
    const writer = t.sm(await t.user('retrier', { p: allow(['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue']) }));
    // the right value and a wrong one answer alike
    for (const SecretString of ['under my key', 'a guess']) {
      await expectAwsError(writer.send(new CreateSecretCommand({ Name: 'kms/cmk', SecretString, ClientRequestToken: versionId })), 'AccessDeniedException', /kms:Decrypt on resource: arn:aws:kms:/);
      await expectAwsError(writer.send(new PutSecretValueCommand({ SecretId: 'kms/cmk', SecretString, ClientRequestToken: versionId })), 'AccessDeniedException', /kms:GenerateDataKey/);
    }
    assert.equal((await root.send(new CreateSecretCommand({ Name: 'kms/cmk', SecretString: 'under my key', ClientRequestToken: versionId }))).VersionId, versionId);
    assert.equal((await root.send(new PutSecretValueCommand({ SecretId: 'kms/cmk', SecretString: 'under my key', ClientRequestToken: versionId }))).VersionId, versionId);
  });

  it('the KMS API: each operation needs its kms: action on the key', async () => {
    const user = t.kms(await t.user('kms-user', { p: allow(['kms:Encrypt', 'kms:DescribeKey'], keyArn), l: allow('kms:ListKeys') }));
    const blob = (await user.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('hello') }))).CiphertextBlob!;
    await user.send(new DescribeKeyCommand({ KeyId: keyArn }));
    await user.send(new ListKeysCommand({}));
    await expectAwsError(
      user.send(new DecryptCommand({ CiphertextBlob: blob })),
      'AccessDeniedException',
      `User: arn:aws:iam::${t.accountId}:user/kms-user is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`,
    );
    assert.equal(await permitted(user.send(new EncryptCommand({ KeyId: otherKeyArn, Plaintext: Buffer.from('x') }))), false);
    assert.equal(await permitted(user.send(new CreateKeyCommand({}))), false);
    // The root decrypts what the user encrypted.
    assert.equal(Buffer.from((await t.kms(t.root).send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString(), 'hello');
  });
});
