// The change token (store/db.ts changeToken): one row whose value moves in the same transaction as every
// write to a table the read cache may hold rows of. Triggers move it, so no write path (a service, rotation,
// an operator's SQL shell) can forget to. The audit trail, leases and meta are left out: their frequent
// writes would empty every cache, and no cache holds them.
import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

/** Every table but these has the trigger (test/store/change-token.test.ts checks it on both dialects). */
export const UNTRACKED_TABLES = ['meta', 'change_generation', 'leases', 'audit_events', 'audit_segments', 'coffer_migrations', 'coffer_migrations_lock'];

const TRACKED_TABLES = [
  'access_keys',
  'accounts',
  'iam_users',
  'iam_user_policies',
  'kms_keys',
  'kms_aliases',
  'kms_key_materials',
  'kms_key_tags',
  'secrets',
  'secret_versions',
  'secret_version_stages',
  'secret_tags',
  'secret_rotations',
  'rotation_functions',
];

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('change_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', types.time, (c) => c.notNull())
    .execute();
  await sql`insert into change_generation (id, value) values (1, 0)`.execute(db);
  // Before this migration SQLite kept the generation in meta (moved by a patch of the driver).
  await sql`delete from meta where key = 'change-generation'`.execute(db);
  for (const table of TRACKED_TABLES) await types.trackChanges(db, table);
}
