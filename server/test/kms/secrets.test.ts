// What KMS key changes do to secrets, through @aws-sdk/client-secrets-manager and @aws-sdk/client-kms on
// both stores: UpdateSecret with a new key moves the labelled versions under it; a disabled key or one
// pending deletion stops reads (DecryptionFailure naming the KMS state) and writes (EncryptionFailure,
// nothing written) at once and EnableKey brings them back at once; at the end of the deletion window the
// material is destroyed and the versions under the key are unrecoverable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { DIALECTS, type StoreTarget } from '../store/dialects.ts';
import { secretState } from '../api/helpers.ts';
import { DAY_MS, expectAwsError, newKey, startKmsServer, uniqueName, type KmsTestServer } from './helpers.ts';

const cannotDecrypt = (detail: string, code: string) =>
  `Secrets Manager can't decrypt the secret value: ${detail} (Service: AWSKMS; Status Code: 400; Error Code: ${code})`;
const cannotEncrypt = (detail: string, code: string) =>
  `Secrets Manager can't encrypt the secret value: ${detail} (Service: AWSKMS; Status Code: 400; Error Code: ${code})`;

for (const dialect of DIALECTS) {
  describe(`secrets under KMS key changes (${dialect.name})`, { skip: dialect.skip }, () => {
    let target: StoreTarget;
    let t: KmsTestServer;
    before(async () => {
      target = await dialect.create();
      t = await startKmsServer({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
    });
    after(async () => {
      await t?.close();
      await target?.dispose();
    });

    const get = (SecretId: string, options: { VersionId?: string; VersionStage?: string } = {}) =>
      t.sm.send(new GetSecretValueCommand({ SecretId, ...options }));
    const put = (SecretId: string, SecretString: string, VersionStages?: string[]) =>
      t.sm.send(new PutSecretValueCommand({ SecretId, SecretString, VersionStages }));
    const keysOfVersions = async (SecretId: string) => {
      const { Versions } = await t.sm.send(new ListSecretVersionIdsCommand({ SecretId, IncludeDeprecated: true }));
      return Object.fromEntries(Versions!.map((v) => [v.VersionId!, v.KmsKeyIds]));
    };

    it('UpdateSecret with a new KmsKeyId moves AWSCURRENT, AWSPREVIOUS and AWSPENDING under it; unlabelled versions stay', async () => {
      const a = await newKey(t.kms);
      const b = await newKey(t.kms);
      const name = uniqueName('rekey');
      const v1 = (await t.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one', KmsKeyId: a.arn }))).VersionId!;
      const v2 = (await put(name, 'two')).VersionId!;
      const v3 = (await put(name, 'three')).VersionId!;
      const v4 = (await put(name, 'four', ['AWSPENDING'])).VersionId!;
      assert.deepEqual(await keysOfVersions(name), { [v1]: [a.arn], [v2]: [a.arn], [v3]: [a.arn], [v4]: [a.arn] });

      await t.sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: b.id }));
      assert.deepEqual(await keysOfVersions(name), { [v1]: [a.arn], [v2]: [b.arn], [v3]: [b.arn], [v4]: [b.arn] });
      assert.equal((await t.sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, b.id);

      await t.kms.send(new DisableKeyCommand({ KeyId: a.id }));
      assert.equal((await get(name)).SecretString, 'three');
      assert.equal((await get(name, { VersionStage: 'AWSPREVIOUS' })).SecretString, 'two');
      assert.equal((await get(name, { VersionStage: 'AWSPENDING' })).SecretString, 'four');
      await expectAwsError(get(name, { VersionId: v1 }), 'DecryptionFailure', cannotDecrypt(`${a.arn} is disabled.`, 'DisabledException'));

      // Re-keying needs both keys: a new key that is disabled, or an old one, fails the whole update.
      const before = await secretState(t.sm, name);
      await expectAwsError(t.sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: a.arn })), 'EncryptionFailure', cannotEncrypt(`${a.arn} is disabled.`, 'DisabledException'));
      await t.kms.send(new EnableKeyCommand({ KeyId: a.id }));
      await t.kms.send(new DisableKeyCommand({ KeyId: b.id }));
      await expectAwsError(t.sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: a.arn, SecretString: 'five' })), 'DecryptionFailure', cannotDecrypt(`${b.arn} is disabled.`, 'DisabledException'));
      assert.deepEqual(await secretState(t.sm, name), before, 'a failed update writes nothing');
      await t.kms.send(new EnableKeyCommand({ KeyId: b.id }));
    });

    it('a disabled key stops reads and writes at once; EnableKey brings them back at once', async () => {
      const key = await newKey(t.kms);
      const name = uniqueName('disabled');
      await t.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'guarded', KmsKeyId: key.id }));
      assert.equal((await get(name)).SecretString, 'guarded');

      await t.kms.send(new DisableKeyCommand({ KeyId: key.arn }));
      const disabled = `${key.arn} is disabled.`;
      await expectAwsError(get(name), 'DecryptionFailure', cannotDecrypt(disabled, 'DisabledException'));
      const batch = await t.sm.send(new BatchGetSecretValueCommand({ SecretIdList: [name] }));
      assert.deepEqual(batch.Errors!.map((e) => [e.ErrorCode, e.Message]), [['DecryptionFailure', cannotDecrypt(disabled, 'DisabledException')]]);
      const before = await secretState(t.sm, name);
      await expectAwsError(put(name, 'new'), 'EncryptionFailure', cannotEncrypt(disabled, 'DisabledException'));
      await expectAwsError(t.sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'new' })), 'EncryptionFailure', cannotEncrypt(disabled, 'DisabledException'));
      assert.deepEqual(await secretState(t.sm, name), before, 'nothing was written');
      const other = uniqueName('never');
      await expectAwsError(t.sm.send(new CreateSecretCommand({ Name: other, SecretString: 'x', KmsKeyId: key.id })), 'EncryptionFailure', cannotEncrypt(disabled, 'DisabledException'));
      await expectAwsError(t.sm.send(new DescribeSecretCommand({ SecretId: other })), 'ResourceNotFoundException');

      await t.kms.send(new EnableKeyCommand({ KeyId: key.id }));
      assert.equal((await get(name)).SecretString, 'guarded');
      await put(name, 'new');
      assert.equal((await get(name)).SecretString, 'new');
    });

    it('a key pending deletion behaves as disabled; after CancelKeyDeletion it is Disabled until enabled', async () => {
      const key = await newKey(t.kms);
      const name = uniqueName('pending');
      await t.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'kept', KmsKeyId: key.id }));
      await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
      const pending = `${key.arn} is pending deletion.`;
      await expectAwsError(get(name), 'DecryptionFailure', cannotDecrypt(pending, 'KMSInvalidStateException'));
      await expectAwsError(put(name, 'x'), 'EncryptionFailure', cannotEncrypt(pending, 'KMSInvalidStateException'));
      await t.kms.send(new CancelKeyDeletionCommand({ KeyId: key.id }));
      await expectAwsError(get(name), 'DecryptionFailure', cannotDecrypt(`${key.arn} is disabled.`, 'DisabledException'));
      await t.kms.send(new EnableKeyCommand({ KeyId: key.id }));
      assert.equal((await get(name)).SecretString, 'kept');
    });

    it('at the end of the deletion window the material is destroyed: the versions under the key are unrecoverable', async () => {
      const key = await newKey(t.kms);
      const alias = `alias/${uniqueName('doomed')}`;
      await t.kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.id }));
      const name = uniqueName('shredded');
      const survivor = uniqueName('survivor');
      await t.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'gone soon', KmsKeyId: alias }));
      await t.sm.send(new CreateSecretCommand({ Name: survivor, SecretString: 'still here' }));
      const { CiphertextBlob: blob } = await t.kms.send(new EncryptCommand({ KeyId: key.id, Plaintext: Buffer.from('also gone') }));
      await t.kms.send(new CreateGrantCommand({ KeyId: key.id, GranteePrincipal: `arn:aws:iam::${t.server.app.accountId}:user/doomed`, Operations: ['Decrypt'] }));
      await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
      const sealedMaterial = (await target.query<{ material_sealed: Uint8Array }>(`select material_sealed from kms_key_materials where key_id = '${key.id}'`))
        .map((r) => Buffer.from(r.material_sealed));
      assert.equal(sealedMaterial.length, 1);
      assert.ok((await target.findBytes(sealedMaterial))[0].length > 0, 'the sealed material is in the store before the purge');

      t.clock.advance(6 * DAY_MS);
      assert.equal(await t.server.app.keys.purgeDeletedKeys(), 0, 'nothing is destroyed inside the window');
      assert.equal((await t.kms.send(new DescribeKeyCommand({ KeyId: key.id }))).KeyMetadata!.KeyState, 'PendingDeletion');
      t.clock.advance(DAY_MS + 60_000);
      assert.ok((await t.server.app.keys.purgeDeletedKeys()) >= 1);

      const materials = await target.query<{ n: number | string }>(`select count(*) as n from kms_key_materials where key_id = '${key.id}'`);
      assert.equal(Number(materials[0].n), 0, 'no material of the key is left in the store');
      const grants = await target.query<{ n: number | string }>(`select count(*) as n from kms_grants where key_id = '${key.id}'`);
      assert.equal(Number(grants[0].n), 0, 'nor any grant of the key');
      assert.deepEqual(await target.findBytes(sealedMaterial), [[]], 'nor its bytes anywhere in the store (SQLite: the files and the WAL)');
      await expectAwsError(t.kms.send(new DescribeKeyCommand({ KeyId: key.id })), 'NotFoundException', `Key '${key.arn}' does not exist`);
      assert.equal((await t.kms.send(new ListKeysCommand({}))).Keys!.some((k) => k.KeyId === key.id), false);
      assert.equal((await t.kms.send(new ListAliasesCommand({}))).Aliases!.some((a) => a.AliasName === alias), false);

      const err = await expectAwsError(get(name), 'DecryptionFailure');
      assert.match(err.message, new RegExp(`^Secrets Manager can't decrypt the secret value: Key '${key.arn}' does not exist .*Error Code: NotFoundException\\)\\. The KMS key was deleted on \\d{4}-.*Z and its key material destroyed: this version's value is unrecoverable\\.$`));
      // The secret names the key by its alias, which went with the key.
      await expectAwsError(put(name, 'x'), 'EncryptionFailure', /Alias arn:aws:kms:.* is not found\. .*Error Code: NotFoundException/);
      assert.equal((await get(survivor)).SecretString, 'still here', 'other secrets are untouched');
      await expectAwsError(t.kms.send(new DecryptCommand({ CiphertextBlob: blob })), 'NotFoundException', `Key '${key.arn}' does not exist`);
    });
  });
}
