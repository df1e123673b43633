// Root-key rotation (app.rotateRootKey) on both stores: every key material version and access key is
// re-wrapped under the new root key in one transaction while reads go on; values, wrapped data keys and
// KMS ciphertexts stay as they are; afterwards the store opens with the new key only, and a start with
// the old one is refused before anything is served.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { newKey as newKeyBytes } from '../../src/crypto/aead.ts';
import { parseRootKey, rootKeyFromBytes } from '../../src/crypto/root-key.ts';
import { DIALECTS } from '../store/dialects.ts';
import { newKey, startKmsServer, uniqueName, type KmsTestServer } from './helpers.ts';

for (const dialect of DIALECTS) {
  describe(`root-key rotation (${dialect.name})`, { skip: dialect.skip }, () => {
    it('re-wraps all key material and access keys under the new key while reads go on; the old key no longer opens the store', async () => {
      const target = await dialect.create();
      let t: KmsTestServer | undefined;
      try {
        const start = () => startKmsServer({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
        t = await start();
        const keyFile = join(target.dataDir, 'root.key');
        const oldKey = parseRootKey(readFileSync(keyFile, 'utf8'));
        const key = await newKey(t.kms);
        const byDefault = uniqueName('default-key');
        const byCustom = uniqueName('custom-key');
        await t.sm.send(new CreateSecretCommand({ Name: byDefault, SecretString: 'under aws/secretsmanager' }));
        await t.sm.send(new CreateSecretCommand({ Name: byCustom, SecretString: 'under my key', KmsKeyId: key.id }));
        const blob = (await t.kms.send(new EncryptCommand({ KeyId: key.id, Plaintext: Buffer.from('kms blob') }))).CiphertextBlob!;
        await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: key.id }));

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
        const nextKey = newKeyBytes();
        const result = await t.server.app.rotateRootKey(nextKey).finally(() => (rotating = false));
        await Promise.all(readers);
        assert.ok(reads > 0);
        assert.deepEqual(result, { materials: 3, accessKeys: 1, functions: 0 }, 'the default key, two versions of mine, the admin access key, no rotation functions');

        const rows = await target.query<{ key_id: string; material_version: number; material_sealed: Uint8Array }>(
          'select key_id, material_version, material_sealed from kms_key_materials',
        );
        for (const row of rows) {
          const aad = `${row.key_id}:${row.material_version}`;
          assert.throws(() => rootKeyFromBytes(oldKey).open(Buffer.from(row.material_sealed), aad), 'the old root key opens nothing');
          rootKeyFromBytes(nextKey).open(Buffer.from(row.material_sealed), aad);
        }
        t.server.app.keys.clearCache();
        assert.deepEqual(await readAll(t), expected, 'this server carries on with the new key');
        await t.close();
        t = undefined;

        await assert.rejects(start(), /the root key does not match this database/, 'the old key file is refused at start-up');
        writeFileSync(keyFile, nextKey.toString('base64') + '\n');
        t = await start();
        assert.deepEqual(await readAll(t), expected, 'a restart with the new key serves everything, signatures included');
      } finally {
        await t?.close();
        await target.dispose();
      }
    });
  });
}
