// Drift checks (Coffer's own, not AWS's): per secret, how often to test that AWSCURRENT still logs in, whether to
// rotate when it does not, and the last result. A table of its own, one row per secret with checks configured,
// so that RotateSecret's rows and their writes stay as they were.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('rotation_drift_checks')
    .addColumn('secret_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    // 0/1: start a rotation when a check finds AWSCURRENT no longer logs in
    .addColumn('rotate_on_drift', 'integer', (c) => c.notNull())
    .addColumn('next_check_at', types.time, (c) => c.notNull())
    .addColumn('checked_at', types.time)
    // 'ok' | 'drifted' | 'error' (the check could not run); message is scrubbed of passwords
    .addColumn('status', 'text')
    .addColumn('message', 'text')
    .execute();
  // Tracked like every table (migrations/006-change-generation.ts): a check's result moves the change token.
  await types.trackChanges(db, 'rotation_drift_checks');
  await db.schema.createIndex('rotation_drift_checks_due').on('rotation_drift_checks').column('next_check_at').execute();
}
