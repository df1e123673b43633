// Store contract, schema: migrations run when a server starts, and only once; a restart (or a second
// server on the same PostgreSQL database) finds the schema in place and changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIALECTS, type StoreTarget } from './dialects.ts';

// Tables the rest of the store contract relies on; later migrations add more (the schema-parity test below
// checks that both dialects get the same full set).
const CORE_TABLES = [
  'access_keys',
  'coffer_migrations',
  'coffer_migrations_lock',
  'kms_aliases',
  'kms_keys',
  'meta',
  'secret_tags',
  'secret_version_stages',
  'secret_versions',
  'secrets',
];
// Every file in store/migrations/ is one migration named after the file: one that db.ts forgets to run
// shows up here as a missing row.
const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../src/store/migrations');
const MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d{3}-[\w-]+\.ts$/.test(f) && !f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

for (const dialect of DIALECTS) {
  describe(`store migrations (${dialect.name})`, { skip: dialect.skip }, () => {
    let target: StoreTarget;
    before(async () => {
      target = await dialect.create();
    });
    after(async () => {
      await target?.dispose();
    });

    /** The tables after the first start: later starts must leave exactly these. */
    let schemaTables: string[] = [];
    const migrationRows = () =>
      target.query<{ name: string; timestamp: string }>('select name, timestamp from coffer_migrations order by name');

    test('the first start creates the whole schema and records each migration once', async () => {
      assert.deepEqual(await target.tables(), [], 'the store starts empty');
      const server = await target.start();
      try {
        schemaTables = await target.tables();
        assert.deepEqual(CORE_TABLES.filter((t) => !schemaTables.includes(t)), [], 'every core table exists');
        assert.ok(MIGRATIONS.length >= 2 && MIGRATIONS[0] === '001-initial', MIGRATIONS.join());
        assert.deepEqual((await migrationRows()).map((r) => r.name), MIGRATIONS);
        const meta = await target.query<{ key: string }>('select key from meta order by key');
        assert.deepEqual(meta.map((r) => r.key), ['account_id', 'root_key_check']);
        // The change token the read caches of every process and server follow (store/db.ts): one row.
        assert.equal((await target.query('select * from change_generation')).length, 1);
      } finally {
        await server.close();
      }
    });

    test('restarts run no migration again and keep the data', async () => {
      const before = await migrationRows();
      // The change generation moves with every write; the installation's facts must not.
      const installationFacts = () => target.query(`select key, value from meta where key <> 'change-generation' order by key`);
      const metaBefore = await installationFacts();
      let server = await target.start();
      try {
        await server.client().send(new CreateSecretCommand({ Name: 'migrations/kept', SecretString: 'kept across restarts' }));
      } finally {
        await server.close();
      }
      for (let i = 0; i < 2; i++) {
        server = await target.start();
        try {
          assert.deepEqual(await migrationRows(), before, 'the migration rows (names and timestamps) do not change');
          assert.deepEqual(await target.tables(), schemaTables);
          assert.deepEqual(await installationFacts(), metaBefore);
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
        assert.deepEqual(await target.tables(), schemaTables);
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
          const expectedTables = await fresh.tables();
          // Back to an empty database, whatever tables later migrations add.
          await fresh.query('drop schema public cascade');
          await fresh.query('create schema public');
          assert.deepEqual(await fresh.tables(), []);
          const started = await Promise.allSettled([fresh.start(), fresh.start(), fresh.start()]);
          const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
          try {
            assert.deepEqual(started.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);
            assert.deepEqual(await fresh.tables(), expectedTables);
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

interface TableShape {
  columns: string[];
  notNull: string[];
  unique: string[];
}

/** Columns, NOT NULL columns and unique column sets (primary key included) of every table. */
async function shapeOf(target: StoreTarget): Promise<Record<string, TableShape>> {
  const out: Record<string, TableShape> = {};
  for (const table of await target.tables()) {
    if (target.dialect === 'sqlite') {
      const info = await target.query<{ name: string; notnull: number; pk: number }>('select name, "notnull", pk from pragma_table_info(?)', [table]);
      const unique = new Set<string>();
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      if (pk.length) unique.add(pk.join(','));
      for (const index of await target.query<{ name: string; unique: number }>('select name, "unique" from pragma_index_list(?)', [table])) {
        if (!index.unique) continue;
        unique.add((await target.query<{ name: string }>('select name from pragma_index_info(?) order by seqno', [index.name])).map((c) => c.name).join(','));
      }
      out[table] = {
        columns: info.map((c) => c.name).sort(),
        // SQLite lets a non-integer PRIMARY KEY column hold NULL unless declared NOT NULL; PostgreSQL never
        // does. No code writes NULL keys, so a key column counts as NOT NULL here.
        notNull: info.filter((c) => c.notnull || c.pk > 0).map((c) => c.name).sort(),
        unique: [...unique].sort(),
      };
    } else {
      const cols = await target.query<{ column_name: string; is_nullable: string }>(
        `select column_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name = $1`,
        [table],
      );
      const unique = await target.query<{ cols: string }>(
        `select (select string_agg(a.attname, ',' order by k.ord) from unnest(ix.indkey) with ordinality k(attnum, ord)
                   join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum) as cols
           from pg_index ix join pg_class c on c.oid = ix.indrelid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relname = $1 and ix.indisunique`,
        [table],
      );
      out[table] = {
        columns: cols.map((c) => c.column_name).sort(),
        notNull: cols.filter((c) => c.is_nullable === 'NO').map((c) => c.column_name).sort(),
        unique: [...new Set(unique.map((u) => u.cols))].sort(),
      };
    }
  }
  return out;
}

describe('store schema: one schema, two dialects', { skip: DIALECTS[1].skip }, () => {
  test('SQLite and PostgreSQL get the same tables, columns, NOT NULL constraints and unique keys', async () => {
    const targets = await Promise.all(DIALECTS.map((d) => d.create()));
    try {
      for (const t of targets) await (await t.start()).close();
      const [sqlite, postgres] = await Promise.all(targets.map(shapeOf));
      assert.deepEqual(CORE_TABLES.filter((t) => !(t in sqlite)), []);
      assert.deepEqual(postgres, sqlite);
      // The shape is really read: the label table's key is what makes "one version per label" structural.
      assert.deepEqual(sqlite.secret_version_stages.unique, ['secret_id,stage']);
    } finally {
      await Promise.all(targets.map((t) => t.dispose()));
    }
  });
});
