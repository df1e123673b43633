// Keys with a lifecycle: every version of a key's material in its own table (old versions stay for
// decryption after a rotation, and all of them go when the key is deleted), rotation settings, key tags,
// and when an alias last changed. Dialect differences are limited to the column types passed in `types`.
import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('kms_key_materials')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('material_version', 'integer', (c) => c.notNull())
    .addColumn('material_sealed', types.blob, (c) => c.notNull())
    .addColumn('created_at', types.time, (c) => c.notNull())
    // null for a key's first material; AUTOMATIC or ON_DEMAND for the materials rotations made
    .addColumn('rotation_type', 'text')
    .addPrimaryKeyConstraint('kms_key_materials_pk', ['key_id', 'material_version'])
    .execute();
  await sql`insert into kms_key_materials (key_id, material_version, material_sealed, created_at)
            select key_id, material_version, material_sealed, created_at from kms_keys`.execute(db);
  // The material now lives only in kms_key_materials, so deleting a key's rows there destroys all of it.
  await db.schema.alterTable('kms_keys').dropColumn('material_sealed').execute();

  // One column per statement: SQLite's ALTER TABLE takes one change at a time.
  await db.schema.alterTable('kms_keys').addColumn('rotation_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('kms_keys').addColumn('rotation_period_days', 'integer').execute();
  await db.schema.alterTable('kms_keys').addColumn('next_rotation_at', types.time).execute();
  // AWS managed keys rotate every year; the default keys created before this migration start now.
  await sql`update kms_keys set rotation_enabled = 1, rotation_period_days = 365, next_rotation_at = created_at + ${YEAR_MS}
            where key_manager = 'AWS'`.execute(db);
  await db.schema.createIndex('kms_keys_deletion').on('kms_keys').column('deletion_date').execute();
  await db.schema.createIndex('kms_keys_rotation').on('kms_keys').column('next_rotation_at').execute();

  await db.schema.alterTable('kms_aliases').addColumn('updated_at', types.time).execute();

  await db.schema
    .createTable('kms_key_tags')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('kms_key_tags_pk', ['key_id', 'tag_key'])
    .execute();
}
