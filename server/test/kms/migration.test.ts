// Migration 002-kms on a store written by a Coffer that had only 001-initial: the key material moves to
// kms_key_materials (and out of kms_keys), the AWS managed key gets its yearly rotation, and a data key
// wrapped before the migration still opens after it; with 007, keys made before it have AWS's default policies. Both dialects (PostgreSQL when reachable).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import { newKey, seal } from '../../src/crypto/aead.ts';
import { rootKeyFromBytes } from '../../src/crypto/root-key.ts';
import { columnTypes, openStore, type ColumnTypes, type StoreLocation } from '../../src/store/db.ts';
import * as initial from '../../src/store/migrations/001-initial.ts';
import { encodeBlob } from '../../src/services/kms/ciphertext-blob.ts';
import { createKeyService } from '../../src/services/kms/key-service.ts';
import { defaultKeyPolicy, keyPolicyText } from '../../src/services/kms/key-policy.ts';
import { createReadCache } from '../../src/store/read-cache.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const pgSkip = await postgresSkipReason();

interface Case {
  name: string;
  skip?: string;
  create(): Promise<{ location: StoreLocation; dialect: () => Dialect; types: ColumnTypes; dispose(): Promise<void> }>;
}

const cases: Case[] = [
  {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'coffer-mig-'));
      const path = join(dir, 'coffer.db');
      return {
        location: { kind: 'sqlite', path },
        dialect: () => new SqliteDialect({ database: new Sqlite(path) }),
        types: columnTypes.sqlite,
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    skip: pgSkip,
    async create() {
      const database = await createTestDatabase();
      return {
        location: { kind: 'postgres', url: database.url },
        dialect: () => new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url }) }),
        types: columnTypes.postgres,
        dispose: () => database.drop(),
      };
    },
  },
];

for (const c of cases) {
  describe(`migration 002-kms (${c.name})`, { skip: c.skip }, () => {
    it('moves key material to kms_key_materials, keeps wrapped data keys opening, schedules the AWS managed key rotation', async () => {
      const target = await c.create();
      try {
        const rootKey = rootKeyFromBytes(newKey());
        const scope = { accountId: '111122223333', region: 'us-east-1' };
        const keyId = '0f0e0d0c-0b0a-4908-8706-050403020100';
        const material = newKey();
        const dataKey = newKey();
        const created = 1_700_000_000_000;

        // A store as a Coffer with only the first migration left it, holding the default key and a wrapped data key.
        const old = new Kysely<any>({ dialect: target.dialect() }); // eslint-disable-line @typescript-eslint/no-explicit-any
        const migrator = new Migrator({
          db: old,
          provider: { getMigrations: async () => ({ '001-initial': { up: (k) => initial.up(k, target.types) } }) },
          migrationTableName: 'coffer_migrations',
          migrationLockTableName: 'coffer_migrations_lock',
        });
        assert.equal((await migrator.migrateToLatest()).error, undefined);
        await old.insertInto('kms_keys').values({
          key_id: keyId, account_id: scope.accountId, region: scope.region, arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
          description: 'default', key_state: 'Enabled', key_manager: 'AWS', created_at: created, deletion_date: null,
          material_sealed: rootKey.seal(material, `${keyId}:1`), material_version: 1,
        }).execute();
        await old.insertInto('kms_aliases').values({ account_id: scope.accountId, region: scope.region, alias_name: 'alias/aws/secretsmanager', key_id: keyId, created_at: created }).execute();
        const customerKeyId = '1f0e0d0c-0b0a-4908-8706-050403020100';
        await old.insertInto('kms_keys').values({
          key_id: customerKeyId, account_id: scope.accountId, region: scope.region, arn: `arn:aws:kms:us-east-1:111122223333:key/${customerKeyId}`,
          description: 'mine', key_state: 'Enabled', key_manager: 'CUSTOMER', created_at: created, deletion_date: null,
          material_sealed: rootKey.seal(newKey(), `${customerKeyId}:1`), material_version: 1,
        }).execute();
        await old.destroy();
        const wrapped = encodeBlob({ keyId, materialVersion: 1, sealed: seal(material, dataKey, Buffer.from('ctx')) });

        const store = await openStore(target.location);
        try {
          const keys = createKeyService({ store, cache: createReadCache({ changeToken: store.changeToken }), rootKey, now: () => created + 1000 });
          assert.deepEqual(await keys.decryptDataKey(scope, wrapped, 'ctx'), dataKey);
          const row = await keys.resolve(scope, undefined);
          assert.deepEqual(
            [row.key_id, row.material_version, row.rotation_enabled, row.rotation_period_days, row.next_rotation_at],
            [keyId, 1, 1, 365, created + YEAR_MS],
          );
          // 007-kms-key-policies: keys made before it have the policies AWS writes by default.
          assert.equal(row.policy, null);
          assert.equal(JSON.parse(keyPolicyText(row)).Id, 'auto-secretsmanager-2');
          const customer = await keys.resolve(scope, customerKeyId);
          assert.equal(keyPolicyText(customer), defaultKeyPolicy(scope.accountId));
          const columns = await store.db.selectFrom('kms_keys').selectAll().where('key_id', '=', keyId).executeTakeFirstOrThrow();
          assert.equal('material_sealed' in columns, false, 'the material left kms_keys');
          const materials = await store.db.selectFrom('kms_key_materials').selectAll().execute();
          assert.deepEqual(
            materials.filter((m) => m.key_id === keyId).map((m) => [m.key_id, m.material_version, m.created_at, m.rotation_type]),
            [[keyId, 1, created, null]],
          );
        } finally {
          await store.close();
        }
      } finally {
        await target.dispose();
      }
    });
  });
}
