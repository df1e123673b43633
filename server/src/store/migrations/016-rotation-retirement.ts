// Consumer-aware retirement (Coffer's own, not AWS's): per secret, how long nobody may have read the AWSPREVIOUS
// version before an alternating-users rotation changes that user's password. A table of its own, as drift
// checks have, so that RotateSecret's rows and their writes stay as they were.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('rotation_retirements')
    .addColumn('secret_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('idle_seconds', 'integer', (c) => c.notNull())
    .execute();
  // Tracked like every table (migrations/006-change-generation.ts).
  await types.trackChanges(db, 'rotation_retirements');
}
