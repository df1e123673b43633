// Store contract, schema: migrations run when a server starts, and only once; a restart (or a second
// server on the same PostgreSQL database) finds the schema in place and changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DIALECTS, type StoreTarget } from './dialects.ts';

const SCHEMA_TABLES = [
  'access_keys',
  'coffer_migrations',
  'coffer_migrations_lock',
  'kms_aliases',
  'kms_key_materials',
  'kms_key_tags',
  'kms_keys',
  'meta',
  'secret_tags',
  'secret_version_stages',
  'secret_versions',
  'secrets',
];
const MIGRATIONS = ['001-initial', '002-kms'];

for (const dialect of DIALECTS) {
  describe(`store migrations (${dialect.name})`, { skip: dialect.skip }, () => {
    let target: StoreTarget;
    before(async () => {
      target = await dialect.create();
    });
    after(async () => {
      await target?.dispose();
    });

    const migrationRows = () =>
      target.query<{ name: string; timestamp: string }>('select name, timestamp from coffer_migrations order by name');

    test('the first start creates the whole schema and records each migration once', async () => {
      assert.deepEqual(await target.tables(), [], 'the store starts empty');
      const server = await target.start();
      try {
        assert.deepEqual(await target.tables(), SCHEMA_TABLES);
        assert.deepEqual((await migrationRows()).map((r) => r.name), MIGRATIONS);
        const meta = await target.query<{ key: string }>('select key from meta order by key');
        assert.deepEqual(meta.map((r) => r.key), ['account_id', 'root_key_check']);
      } finally {
        await server.close();
      }
    });

    test('restarts run no migration again and keep the data', async () => {
      const before = await migrationRows();
      const metaBefore = await target.query('select key, value from meta order by key');
      let server = await target.start();
      const client = server.client();
      await client.send(new CreateSecretCommand({ Name: 'migrations/kept', SecretString: 'kept across restarts' }));
      await server.close();
      for (let i = 0; i < 2; i++) {
        server = await target.start();
        try {
          assert.deepEqual(await migrationRows(), before, 'the migration rows (names and timestamps) do not change');
          assert.deepEqual(await target.tables(), SCHEMA_TABLES);
          assert.deepEqual(await target.query('select key, value from meta order by key'), metaBefore);
          const value = await server.client().send(new GetSecretValueCommand({ SecretId: 'migrations/kept' }));
          assert.equal(value.SecretString, 'kept across restarts');
        } finally {
          await server.close();
        }
      }
    });

    test('a store migrated by a newer Coffer (a migration this one does not know) refuses to start, untouched', async () => {
      const rows = await migrationRows();
      await target.query(`insert into coffer_migrations (name, timestamp) values ('999-from-the-future', '2099-01-01T00:00:00.000Z')`);
      try {
        await assert.rejects(target.start(), /database migration failed/);
        assert.deepEqual(await target.tables(), SCHEMA_TABLES);
      } finally {
        await target.query(`delete from coffer_migrations where name = '999-from-the-future'`);
      }
      assert.deepEqual(await migrationRows(), rows);
      await (await target.start()).close();
    });

    if (dialect.name === 'postgres') {
      test('servers starting at the same moment on an empty database migrate it once and agree on the account', async () => {
        const fresh = await dialect.create();
        try {
          // Same data directory, so the same root key file: created by the first start, before the race.
          const first = await fresh.start();
          await first.close();
          await fresh.query('drop table secret_tags, secret_version_stages, secret_versions, secrets, kms_aliases, kms_key_tags, kms_key_materials, kms_keys, access_keys, meta, coffer_migrations, coffer_migrations_lock');
          assert.deepEqual(await fresh.tables(), []);
          const servers = await Promise.all([fresh.start(), fresh.start(), fresh.start()]);
          try {
            assert.deepEqual(await fresh.tables(), SCHEMA_TABLES);
            assert.deepEqual((await fresh.query<{ name: string }>('select name from coffer_migrations')).map((r) => r.name), MIGRATIONS);
            const accounts = new Set(servers.map((s) => s.app.accountId));
            assert.equal(accounts.size, 1, `one account for one database, got ${[...accounts].join(', ')}`);
            const rows = await fresh.query<{ value: string }>(`select value from meta where key = 'account_id'`);
            assert.deepEqual(rows.map((r) => r.value), [...accounts]);
          } finally {
            await Promise.all(servers.map((s) => s.close()));
          }
        } finally {
          await fresh.dispose();
        }
      });
    }
  });
}
