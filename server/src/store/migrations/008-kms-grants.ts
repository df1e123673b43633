// KMS grants: who may use a key for which operations, under which encryption context constraint. A grant
// belongs to one key (scope columns beside it, for ListRetirableGrants across the scope's keys) and goes when
// it is retired or revoked, or when its key's material is destroyed.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('kms_grants')
    // 64 hex characters, as AWS's grant ids
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('grantee_principal', 'text', (c) => c.notNull())
    .addColumn('retiring_principal', 'text')
    .addColumn('issuing_account', 'text', (c) => c.notNull())
    // JSON array of GrantOperation names, sorted
    .addColumn('operations', 'text', (c) => c.notNull())
    // JSON {"EncryptionContextSubset"|"EncryptionContextEquals": {...}}, or null
    .addColumn('constraints', 'text')
    .addColumn('created_at', types.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kms_grants_key').on('kms_grants').columns(['key_id', 'grantee_principal']).execute();
  await db.schema.createIndex('kms_grants_retiring').on('kms_grants').columns(['account_id', 'region', 'retiring_principal']).execute();
  await types.trackChanges(db, 'kms_grants');
}
