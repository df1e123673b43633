// Root-key rotation through the admin API (CofferAdmin.RotateRootKey, signed for `coffer`) on both stores:
// every key material version and access key is re-wrapped under the new root key in one transaction while
// reads go on; values, wrapped data keys and KMS ciphertexts stay as they are; the new key is written first
// in the key file, owner-only; afterwards the store opens with the new key only, and a start with the old
// one is refused before anything is served. Only the operator credential may rotate, and the call is audited.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseRootKeys, rootKeyFromBytes, rootKeyId, rootKeyring, sealedRootKeyId } from '../../src/crypto/root-key.ts';
import { newKey as newRootKeyBytes, seal } from '../../src/crypto/aead.ts';
import { checkRootKey, storedRootKeyId } from '../../src/bootstrap.ts';
import { openStore } from '../../src/store/db.ts';
import { DIALECTS } from '../store/dialects.ts';
import { adminCall, newKey, startKmsServer, uniqueName, type KmsTestServer } from './helpers.ts';

for (const dialect of DIALECTS) {
  describe(`root-key rotation (${dialect.name})`, { skip: dialect.skip }, () => {
    it('re-wraps all key material and access keys under a new key while reads go on; the key file gets it first; the old key alone no longer opens the store', async () => {
      const target = await dialect.create();
      let t: KmsTestServer | undefined;
      try {
        const start = () => startKmsServer({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
        t = await start();
        const keyFile = join(target.dataDir, 'root.key');
        const [oldKey] = parseRootKeys(readFileSync(keyFile, 'utf8'));
        const key = await newKey(t.kms);
        const byDefault = uniqueName('default-key');
        const byCustom = uniqueName('custom-key');
        await t.sm.send(new CreateSecretCommand({ Name: byDefault, SecretString: 'under aws/secretsmanager' }));
        await t.sm.send(new CreateSecretCommand({ Name: byCustom, SecretString: 'under my key', KmsKeyId: key.id }));
        const blob = (await t.kms.send(new EncryptCommand({ KeyId: key.id, Plaintext: Buffer.from('kms blob') }))).CiphertextBlob!;
        await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: key.id }));
        const storedBefore = await target.query<{ value: string }>("select value from meta where key = 'root_key_check'");

        const readAll = async (server: KmsTestServer) => {
          const a = await server.sm.send(new GetSecretValueCommand({ SecretId: byDefault }));
          const b = await server.sm.send(new GetSecretValueCommand({ SecretId: byCustom }));
          const c = await server.kms.send(new DecryptCommand({ CiphertextBlob: blob }));
          return [a.SecretString, b.SecretString, Buffer.from(c.Plaintext!).toString()];
        };
        const expected = ['under aws/secretsmanager', 'under my key', 'kms blob'];

        // Readers run throughout the rotation (one of them drops the opened material first, as a server that
        // had not opened it yet would be).
        let rotating = true;
        let reads = 0;
        const reader = async (clear: boolean) => {
          while (rotating) {
            if (clear) t!.server.app.keys.clearCache();
            assert.deepEqual(await readAll(t!), expected);
            reads += 1;
          }
        };
        const readers = [reader(false), reader(true)];
        await new Promise((resolve) => setTimeout(resolve, 30));
        const result = await adminCall(t, 'RotateRootKey').finally(() => (rotating = false));
        await Promise.all(readers);
        assert.ok(reads > 0);

        // The key file: the new key first, the old one kept below it, owner-only.
        const fileKeys = parseRootKeys(readFileSync(keyFile, 'utf8'));
        assert.equal(fileKeys.length, 2);
        assert.deepEqual(fileKeys[1], oldKey);
        const nextKey = fileKeys[0];
        assert.equal(statSync(keyFile).mode & 0o777, 0o600);
        assert.deepEqual(result, {
          RootKeyId: rootKeyId(nextKey),
          PreviousRootKeyId: rootKeyId(oldKey),
          KeyFile: keyFile,
          StagedKey: false,
          KeyMaterials: 3,
          AccessKeys: 1,
          RotationFunctions: 0,
        }, 'the default key, two versions of mine, the admin access key, no rotation functions; ids, no key material');
        assert.ok(!JSON.stringify(result).includes(nextKey.toString('base64')));

        const rows = await target.query<{ key_id: string; material_version: number; material_sealed: Uint8Array }>(
          'select key_id, material_version, material_sealed from kms_key_materials',
        );
        for (const row of rows) {
          const aad = `${row.key_id}:${row.material_version}`;
          assert.equal(sealedRootKeyId(Buffer.from(row.material_sealed)), rootKeyId(nextKey));
          assert.throws(() => rootKeyFromBytes(oldKey).open(Buffer.from(row.material_sealed), aad), 'the old root key opens nothing');
          rootKeyFromBytes(nextKey).open(Buffer.from(row.material_sealed), aad);
        }
        assert.notDeepEqual(await target.query("select value from meta where key = 'root_key_check'"), storedBefore);
        t.server.app.keys.clearCache();
        assert.deepEqual(await readAll(t), expected, 'this server carries on with the new key');
        await t.close();
        t = undefined;

        writeFileSync(keyFile, oldKey.toString('base64') + '\n');
        await assert.rejects(start(), new RegExp(`the root key does not match this database.*sealed with root key ${rootKeyId(nextKey)}`), 'the old key alone is refused at start-up');
        writeFileSync(keyFile, nextKey.toString('base64') + '\n');
        t = await start();
        assert.deepEqual(await readAll(t), expected, 'a restart with the new key alone serves everything, signatures included');

        // A key the operator staged first in the key file is the one a rotation moves to.
        const staged = rootKeyFromBytes(Buffer.alloc(32, 7));
        writeFileSync(keyFile, [Buffer.alloc(32, 7), nextKey].map((k) => k.toString('base64')).join('\n') + '\n');
        const second = await adminCall(t, 'RotateRootKey');
        assert.equal(second.RootKeyId, staged.id);
        assert.equal(second.StagedKey, true);
        assert.equal(parseRootKeys(readFileSync(keyFile, 'utf8')).length, 2, 'the file already held it: left as it was');
        t.server.app.keys.clearCache();
        assert.deepEqual(await readAll(t), expected);
      } finally {
        await t?.close();
        await target.dispose();
      }
    });

    it('rotations one at a time: a rotation under way refuses another (ConcurrentModificationException); racing rotations leave the key file with the database\'s key first', async () => {
      const target = await dialect.create();
      let t = await startKmsServer({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
      try {
        const name = uniqueName('concurrent-rotations');
        await t.sm.send(new CreateSecretCommand({ Name: name, SecretString: 'kept' }));
        const keyFile = join(target.dataDir, 'root.key');
        const before = readFileSync(keyFile, 'utf8');
        // Another rotation holds the key file's lock (another worker on this data directory, say).
        writeFileSync(`${keyFile}.lock`, '');
        await assert.rejects(adminCall(t, 'RotateRootKey'), (err: Error & { status: number }) =>
          err.name === 'ConcurrentModificationException' && err.status === 409 && /already running/.test(err.message));
        assert.equal(readFileSync(keyFile, 'utf8'), before, 'nothing changed');
        rmSync(`${keyFile}.lock`);

        const results = await Promise.allSettled([adminCall(t, 'RotateRootKey'), adminCall(t, 'RotateRootKey'), adminCall(t, 'RotateRootKey')]);
        const ok = results.filter((r) => r.status === 'fulfilled') as Array<PromiseFulfilledResult<Record<string, unknown>>>;
        assert.ok(ok.length >= 1);
        for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.name, 'ConcurrentModificationException');
        const last = ok.map((r) => r.value).find((v) => !ok.some((o) => o.value.PreviousRootKeyId === v.RootKeyId))!;
        assert.equal(rootKeyId(parseRootKeys(readFileSync(keyFile, 'utf8'))[0]), last.RootKeyId, 'the key file names the database\'s key first');
        assert.equal(existsSync(`${keyFile}.lock`), false, 'the lock is gone after the rotations');
        await t.close();
        writeFileSync(keyFile, readFileSync(keyFile, 'utf8').split('\n')[0] + '\n');
        t = await startKmsServer({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
        assert.equal((await t.sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'kept', 'the first line alone opens the store');
      } finally {
        await t.close();
        await target.dispose();
      }
    });

    it('a store from before root key ids: its check value opens by trying each key, then names its key; another key is still refused', async () => {
      const target = await dialect.create();
      const store = await openStore(target.location);
      try {
        const key = newRootKeyBytes();
        const legacy = seal(key, Buffer.from('coffer-root-key-check'), Buffer.from('root:check')).toString('base64');
        await store.db.insertInto('meta').values({ key: 'root_key_check', value: legacy }).execute();
        await assert.rejects(checkRootKey(store.db, rootKeyring([newRootKeyBytes()])), /the root key does not match this database/);
        assert.equal(await storedRootKeyId(store.db), undefined, 'a refused start changes nothing');
        const ring = rootKeyring([newRootKeyBytes(), key]);
        await checkRootKey(store.db, ring);
        assert.equal(ring.currentId(), rootKeyId(key), 'the key that opened the check is the one it seals with');
        assert.equal(await storedRootKeyId(store.db), rootKeyId(key), 'the check value now names its key');
        await checkRootKey(store.db, rootKeyring([key]));
      } finally {
        await store.close();
        await target.dispose();
      }
    });

    it('only the operator credential may rotate, whatever its policies say; the call is audited', async () => {
      const target = await dialect.create();
      const t = await startKmsServer({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
      try {
        await adminCall(t, 'CreateUser', { UserName: 'ops' });
        await adminCall(t, 'PutUserPolicy', {
          UserName: 'ops',
          PolicyName: 'everything',
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
        });
        const { AccessKey } = (await adminCall(t, 'CreateAccessKey', { UserName: 'ops' })) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
        const before = readFileSync(join(target.dataDir, 'root.key'), 'utf8');
        await assert.rejects(
          adminCall(t, 'RotateRootKey', {}, { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey }),
          (err: Error & { status: number }) =>
            err.name === 'AccessDeniedException' && err.status === 400 && /only the operator credential/.test(err.message) && /user\/ops/.test(err.message),
        );
        assert.equal(readFileSync(join(target.dataDir, 'root.key'), 'utf8'), before, 'nothing changed');
        await adminCall(t, 'RotateRootKey');
        const { Events } = (await adminCall(t, 'LookupEvents', { EventName: 'RotateRootKey' })) as { Events: Array<{ ErrorCode?: string; CloudTrailEvent: string }> };
        assert.deepEqual(Events.map((e) => e.ErrorCode ?? 'ok').sort(), ['AccessDeniedException', 'ok']);
        const newFile = readFileSync(join(target.dataDir, 'root.key'), 'utf8');
        for (const e of Events) {
          for (const line of newFile.trim().split('\n')) assert.ok(!e.CloudTrailEvent.includes(line), 'no key material in the audit trail');
        }
      } finally {
        await t.close();
        await target.dispose();
      }
    });
  });
}

describe('root-key rotation in dev mode', () => {
  it('is refused: a dev-mode server keeps its root key in memory only', async () => {
    const t = await startKmsServer({ dev: true });
    try {
      await assert.rejects(adminCall(t, 'RotateRootKey'), (err: Error & { status: number }) =>
        err.name === 'InvalidInputException' && err.status === 400 && /in memory only/.test(err.message));
    } finally {
      await t.close();
    }
  });
});
