// Two servers on one store, one of them rotating the root key: the other keeps working without a restart.
// On PostgreSQL they have their own data directories (two hosts): the other server serves what it had opened,
// refuses clearly what is sealed with a root key it does not hold, keeps writing (under the old key, which the
// rotating server still holds), and once the operator copies the key file over it follows: it seals with the
// new key and re-wraps what it wrote meanwhile. On SQLite they share the data directory (worker processes):
// the other server picks the new key up from the shared key file on its first read that needs it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { parseRootKeys, rootKeyId, sealedRootKeyId } from '../../src/crypto/root-key.ts';
import { DIALECTS, tempDir } from '../store/dialects.ts';
import { adminCall, expectAwsError, newKey, startKmsServer, uniqueName, type KmsTestServer } from './helpers.ts';

for (const dialect of DIALECTS) {
  const shared = dialect.name === 'sqlite';
  describe(`root-key rotation with two servers on one store (${dialect.name}, ${shared ? 'shared data directory' : 'a data directory each'})`, { skip: dialect.skip }, () => {
    it('the other server keeps serving, follows the rotation without a restart, and re-wraps what it sealed meanwhile', async () => {
      const target = await dialect.create();
      const dirB = shared ? target.dataDir : tempDir();
      const logB: string[] = [];
      const servers: KmsTestServer[] = [];
      try {
        const a = await startKmsServer({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
        servers.push(a);
        if (!shared) for (const f of ['root.key', 'credentials']) copyFileSync(join(target.dataDir, f), join(dirB, f));
        const startB = () => startKmsServer({ dataDir: dirB, databaseUrl: target.databaseUrl, logger: { error: (msg, fields) => logB.push(JSON.stringify({ msg, ...fields })) } });
        let b = await startB();
        servers.push(b);
        const secretUnder = async (server: KmsTestServer, value: string) => {
          const key = await newKey(server.kms);
          const name = uniqueName('two-servers');
          await server.sm.send(new CreateSecretCommand({ Name: name, SecretString: value, KmsKeyId: key.id }));
          return { name, keyId: key.id };
        };
        const read = async (server: KmsTestServer, name: string) => (await server.sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
        const sealedBy = async (keyId: string) => {
          const rows = await target.query<{ material_sealed: Uint8Array }>(
            dialect.name === 'postgres' ? 'select material_sealed from kms_key_materials where key_id = $1' : 'select material_sealed from kms_key_materials where key_id = ?',
            [keyId],
          );
          return rows.map((r) => sealedRootKeyId(Buffer.from(r.material_sealed)));
        };

        const s1 = await secretUnder(a, 'before');
        assert.equal(await read(b, s1.name), 'before', 'b has opened s1\'s key material');
        const [oldKey] = parseRootKeys(readFileSync(join(target.dataDir, 'root.key'), 'utf8'));

        const rotated = await adminCall(a, 'RotateRootKey');
        const newId = String(rotated.RootKeyId);
        const oldId = rootKeyId(oldKey);
        assert.equal(rotated.PreviousRootKeyId, oldId);
        // The rotating server makes one more pass on its next sweep (for writes that sealed with the old key
        // while the rotation ran), then has nothing left to do.
        assert.equal(await a.server.app.followRootKey(), 'caught-up');
        assert.equal(await a.server.app.followRootKey(), 'current');

        // Past b's cache lifetimes (access keys and key rows are re-read after a second on PostgreSQL).
        await new Promise((resolve) => setTimeout(resolve, 1100));
        assert.equal(await read(b, s1.name), 'before', 'b serves what it had opened, its access key included');
        const s2 = await secretUnder(a, 'after');
        assert.deepEqual(await sealedBy(s2.keyId), [newId]);
        if (!shared) {
          await expectAwsError(
            b.sm.send(new GetSecretValueCommand({ SecretId: s2.name })),
            'DecryptionFailure',
            new RegExp(`^Secrets Manager can't decrypt the secret value: The key material of key ${s2.keyId} \\(version 1\\) is sealed with root key ${newId}, which this server does not hold`),
          );
        } else {
          assert.equal(await read(b, s2.name), 'after', 'b read the shared key file when it met the new key id');
        }

        // b has not switched yet: what it writes now is sealed with the old key, which a still holds.
        const s3 = await secretUnder(b, 'written by b meanwhile');
        assert.deepEqual(await sealedBy(s3.keyId), [oldId]);
        a.server.app.keys.clearCache();
        assert.equal(await read(a, s3.name), 'written by b meanwhile');

        if (!shared) {
          assert.equal(await b.server.app.followRootKey(), 'missing-key');
          assert.ok(logB.some((l) => l.includes('the root key was rotated by another server') && l.includes(newId)), 'b says what the operator must do');
          assert.ok(!logB.some((l) => l.includes(oldKey.toString('base64'))), 'no key material in the log');
          // The operator copies the key file.
          copyFileSync(join(target.dataDir, 'root.key'), join(dirB, 'root.key'));
        }
        assert.equal(await b.server.app.followRootKey(), 'caught-up');
        assert.deepEqual(await sealedBy(s3.keyId), [newId], 'what b sealed with the old key is re-wrapped under the new one');
        assert.equal(await b.server.app.followRootKey(), 'current');
        assert.equal(await read(b, s2.name), 'after');
        const s4 = await secretUnder(b, 'written by b after following');
        assert.deepEqual(await sealedBy(s4.keyId), [newId]);
        for (const row of await target.query<{ material_sealed: Uint8Array }>('select material_sealed from kms_key_materials')) {
          assert.equal(sealedRootKeyId(Buffer.from(row.material_sealed)), newId, 'the store converged on the new key');
        }

        // The old key can now be retired: b restarts with the new key alone and reads everything.
        await b.close();
        servers.pop();
        writeFileSync(join(dirB, 'root.key'), readFileSync(join(target.dataDir, 'root.key'), 'utf8').split('\n')[0] + '\n');
        b = await startB();
        servers.push(b);
        for (const [s, value] of [[s1, 'before'], [s2, 'after'], [s3, 'written by b meanwhile'], [s4, 'written by b after following']] as const) {
          assert.equal(await read(b, s.name), value);
        }
      } finally {
        for (const s of servers.reverse()) await s.close();
        if (!shared) rmSync(dirB, { recursive: true, force: true });
        await target.dispose();
      }
    });
  });
}
