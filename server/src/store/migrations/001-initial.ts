// The first schema. Dialect differences are limited to the column types passed in `types`.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('access_keys')
    .addColumn('access_key_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('principal_arn', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', types.blob, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', types.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('kms_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('key_state', 'text', (c) => c.notNull())
    .addColumn('key_manager', 'text', (c) => c.notNull())
    .addColumn('created_at', types.time, (c) => c.notNull())
    .addColumn('deletion_date', types.time)
    .addColumn('material_sealed', types.blob, (c) => c.notNull())
    .addColumn('material_version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kms_keys_scope').on('kms_keys').columns(['account_id', 'region']).execute();

  await db.schema
    .createTable('kms_aliases')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('alias_name', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', types.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('kms_aliases_pk', ['account_id', 'region', 'alias_name'])
    .execute();

  await db.schema
    .createTable('secrets')
    .addColumn('seq', types.serial, (c) => types.autoIncrement(c.primaryKey()))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('kms_key_id', 'text')
    .addColumn('created_at', types.time, (c) => c.notNull())
    .addColumn('last_changed_at', types.time, (c) => c.notNull())
    .addColumn('last_accessed_at', types.time)
    .addColumn('deleted_at', types.time)
    .addColumn('deletion_date', types.time)
    .addColumn('tagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('owning_service', 'text')
    .addColumn('primary_region', 'text')
    .addUniqueConstraint('secrets_scope_name', ['account_id', 'region', 'name'])
    .execute();
  await db.schema.createIndex('secrets_deletion').on('secrets').column('deletion_date').execute();

  await db.schema
    .createTable('secret_versions')
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('created_at', types.time, (c) => c.notNull())
    .addColumn('last_accessed_at', types.time)
    .addColumn('kms_key_id', 'text')
    .addColumn('wrapped_key', types.blob)
    .addColumn('ciphertext', types.blob)
    .addColumn('value_kind', 'text')
    .addPrimaryKeyConstraint('secret_versions_pk', ['secret_id', 'version_id'])
    .execute();

  // One row per (secret, label): the primary key makes "a label is on at most one version" structural.
  await db.schema
    .createTable('secret_version_stages')
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('secret_version_stages_pk', ['secret_id', 'stage'])
    .execute();

  await db.schema
    .createTable('secret_tags')
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('secret_tags_pk', ['secret_id', 'tag_key'])
    .execute();
}
