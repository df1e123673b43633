// Store contract, encryption at rest: no secret value, no access-key secret and no root key is ever in
// the database in the clear: not in the SQLite file or its write-ahead log, not in any text or bytea
// column on PostgreSQL. The same scan finds names and descriptions, which are stored in the clear, so a
// scan that finds nothing really looked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { readCredentials } from '../support/test-server.ts';
import { DIALECTS, type StoreTarget } from './dialects.ts';

/** The forms in which a value could leak: its bytes, and the text encodings a careless layer might store. */
function forms(value: Buffer): Array<[string, Buffer]> {
  return [
    ['raw', value],
    ['base64', Buffer.from(value.toString('base64'))],
    ['hex', Buffer.from(value.toString('hex'))],
  ];
}

for (const dialect of DIALECTS) {
  describe(`store contract: nothing secret in the clear (${dialect.name})`, { skip: dialect.skip }, () => {
    let target: StoreTarget;
    before(async () => {
      target = await dialect.create();
    });
    after(async () => {
      await target?.dispose();
    });

    test('secret values, access-key secrets and the root key never reach the database unencrypted', async () => {
      const tag = randomBytes(8).toString('hex');
      const description = `description-canary-${tag}`;
      const values: Record<string, Buffer> = {
        created: Buffer.from(`{"username":"anika","password":"created-canary-${tag}"}`),
        put: Buffer.from(`put-canary-${tag}-ü€`),
        updated: Buffer.from(`updated-canary-${tag}`),
        binary: Buffer.concat([Buffer.from([0, 0xff, 0x80]), randomBytes(45)]),
        staged: Buffer.from(`staged-canary-${tag}`),
      };
      const server = await target.start();
      const secretsToFind: Array<[string, Buffer]> = [];
      try {
        const client = server.client();
        const name = `plaintext/${tag}`;
        await client.send(new CreateSecretCommand({ Name: name, Description: description, SecretString: values.created.toString() }));
        // Replicas get every value re-encrypted under their own region's key, never a copy in the clear.
        await client.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
        await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: values.put.toString() }));
        await client.send(new UpdateSecretCommand({ SecretId: name, SecretString: values.updated.toString() }));
        await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: values.staged.toString(), VersionStages: ['staged'] }));
        await client.send(new CreateSecretCommand({ Name: `${name}-bin`, SecretBinary: values.binary }));
        // Reads too: nothing read may be written back in the clear (caches, access times).
        for (const id of [name, `${name}-bin`]) await client.send(new GetSecretValueCommand({ SecretId: id }));
        await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
        const replica = server.client({ region: 'eu-west-1' });
        for (const stage of ['AWSCURRENT', 'AWSPREVIOUS', 'staged']) await replica.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));

        const credentials = readCredentials(join(target.dataDir, 'credentials'));
        const rootKey = Buffer.from(readFileSync(join(target.dataDir, 'root.key'), 'utf8').trim(), 'base64');
        assert.equal(rootKey.length, 32);
        for (const [label, value] of Object.entries(values)) for (const [form, bytes] of forms(value)) secretsToFind.push([`${label} value (${form})`, bytes]);
        secretsToFind.push(['secret access key', Buffer.from(credentials.secretAccessKey)]);
        for (const [form, bytes] of forms(rootKey)) secretsToFind.push([`root key (${form})`, bytes]);

        // While the server runs (on SQLite the recent writes are still in the write-ahead log) ...
        if (dialect.name === 'sqlite') {
          assert.ok(readdirSync(target.dataDir).includes('coffer.db-wal'), 'the write-ahead log is there to be searched');
        }
        await assertScan(target, secretsToFind, description, credentials.accessKeyId);
      } finally {
        await server.close();
      }
      // ... and after a clean shutdown has checkpointed everything into the database file.
      await assertScan(target, secretsToFind, description, accessKeyIdOf(target));

      // A control for binary cells: a wrapped data key is a self-describing KMS blob that names its key
      // (16 raw bytes of the key id), so the search finds those bytes inside secret_versions.wrapped_key.
      const [{ key_id: keyId }] = await target.query<{ key_id: string }>(`select key_id from kms_aliases where alias_name = 'alias/aws/secretsmanager'`);
      const [keyIdHits] = await target.findBytes([Buffer.from(keyId.replace(/-/g, ''), 'hex')]);
      if (dialect.name === 'postgres') assert.ok(keyIdHits.includes('secret_versions.wrapped_key'), `key id bytes found in ${keyIdHits}`);
      else assert.deepEqual(keyIdHits, ['coffer.db']);
    });
  });
}

function accessKeyIdOf(target: StoreTarget): string {
  return readCredentials(join(target.dataDir, 'credentials')).accessKeyId;
}

async function assertScan(target: StoreTarget, secrets: Array<[string, Buffer]>, description: string, accessKeyId: string): Promise<void> {
  const [descriptionHits, accessKeyIdHits, ...hits] = await target.findBytes([Buffer.from(description), Buffer.from(accessKeyId), ...secrets.map(([, b]) => b)]);
  // The controls: what is stored in the clear is found by the very same search.
  assert.notDeepEqual(descriptionHits, [], 'the scan finds the description');
  assert.notDeepEqual(accessKeyIdHits, [], 'the scan finds the access key id');
  const leaks = secrets.flatMap(([what], i) => (hits[i].length > 0 ? [`${what} in ${hits[i].join(', ')}`] : []));
  assert.deepEqual(leaks, []);
}
