// Replication: one row per (primary secret, target region). In one deployment the replica is a secret row of
// the same account in the target region (replica_id), its primary_region naming the primary's region. The
// row is also where a replica served by another deployment would keep its state (replica_id null there).
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('secret_replicas')
    .addColumn('primary_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    // the KmsKeyId as the caller gave it (null: the region's aws/secretsmanager)
    .addColumn('kms_key_id', 'text')
    // InProgress | InSync | Failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    // the replica's secret row in this store; null while the region failed before one was written
    .addColumn('replica_id', 'text')
    .addColumn('created_at', types.time, (c) => c.notNull())
    // the entry's place in ReplicationStatus: the order regions were first added in
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('secret_replicas_pk', ['primary_id', 'region'])
    .execute();
  await db.schema.createIndex('secret_replicas_replica').on('secret_replicas').column('replica_id').execute();
  await types.trackChanges(db, 'secret_replicas');
}
