// A key's state is checked inside the write that uses it. CreateSecret and UpdateSecret resolve the KMS key
// they name before their transaction (aliases, the default key); a DisableKey or ScheduleKeyDeletion that
// commits between that resolution and the transaction must still stop the write: EncryptionFailure naming
// the KMS state, and nothing written. The interleaving is forced by running the KMS call (through
// @aws-sdk/client-kms) right after the service resolved the key outside its transaction.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DisableKeyCommand, EnableKeyCommand, ScheduleKeyDeletionCommand, CancelKeyDeletionCommand } from '@aws-sdk/client-kms';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, UpdateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { secretState } from '../api/helpers.ts';
import { DIALECTS, type StoreTarget } from '../store/dialects.ts';
import { expectAwsError, newKey, startKmsServer, uniqueName, type KmsTestServer } from './helpers.ts';

for (const dialect of DIALECTS) {
  describe(`key state checked inside the write (${dialect.name})`, { skip: dialect.skip }, () => {
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

    /** Runs `between` once, right after the key service resolved `keyId` outside a transaction. */
    function interleave(keyId: string, between: () => Promise<unknown>): { fired: () => boolean; restore: () => void } {
      const keys = t.server.app.keys;
      const original = keys.resolve;
      let fired = false;
      keys.resolve = async (scope, ref, db, options) => {
        const row = await original(scope, ref, db, options);
        if (!fired && ref === keyId && db === undefined) {
          fired = true;
          await between();
        }
        return row;
      };
      return { fired: () => fired, restore: () => (keys.resolve = original) };
    }

    const disabled = (arn: string) =>
      `Secrets Manager can't encrypt the secret value: ${arn} is disabled. (Service: AWSKMS; Status Code: 400; Error Code: DisabledException)`;
    const pending = (arn: string) =>
      `Secrets Manager can't encrypt the secret value: ${arn} is pending deletion. (Service: AWSKMS; Status Code: 400; Error Code: KMSInvalidStateException)`;

    it('UpdateSecret to a key disabled after it was resolved fails cleanly and writes nothing', async () => {
      const key = await newKey(t.kms);
      const name = uniqueName('race-update');
      await t.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
      let before = await secretState(t.sm, name);
      const hook = interleave(key.id, () => t.kms.send(new DisableKeyCommand({ KeyId: key.id })));
      try {
        await expectAwsError(
          t.sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: key.id, SecretString: 'v2' })),
          'EncryptionFailure',
          disabled(key.arn),
        );
      } finally {
        hook.restore();
      }
      assert.ok(hook.fired(), 'DisableKey ran between the resolution and the transaction');
      assert.deepEqual(await secretState(t.sm, name), before, 'no version, no key change, no label moved');
      assert.equal((await t.sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v1');
      before = await secretState(t.sm, name); // the read moved LastAccessedDate

      // Without a new value, the re-wrap of the labelled versions is refused the same way.
      await t.kms.send(new EnableKeyCommand({ KeyId: key.id }));
      const hook2 = interleave(key.id, () => t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 })));
      try {
        await expectAwsError(t.sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: key.id })), 'EncryptionFailure', pending(key.arn));
      } finally {
        hook2.restore();
      }
      assert.ok(hook2.fired());
      assert.deepEqual(await secretState(t.sm, name), before);
      await t.kms.send(new CancelKeyDeletionCommand({ KeyId: key.id }));
      await t.kms.send(new EnableKeyCommand({ KeyId: key.id }));
      // With the key usable the same update goes through: the check refuses only what it must.
      await t.sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: key.id, SecretString: 'v2' }));
      assert.equal((await t.sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v2');
    });

    it('CreateSecret under a key disabled after it was resolved fails cleanly and creates nothing', async () => {
      const key = await newKey(t.kms);
      const name = uniqueName('race-create');
      const hook = interleave(key.id, () => t.kms.send(new DisableKeyCommand({ KeyId: key.id })));
      try {
        await expectAwsError(
          t.sm.send(new CreateSecretCommand({ Name: name, KmsKeyId: key.id, SecretString: 'v1' })),
          'EncryptionFailure',
          disabled(key.arn),
        );
      } finally {
        hook.restore();
      }
      assert.ok(hook.fired());
      const { SecretList } = await t.sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }));
      assert.deepEqual(SecretList, [], 'the secret was not created');
    });
  });
}
