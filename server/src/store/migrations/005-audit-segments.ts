// The audit trail stored a batch per row (audit/segment.ts) instead of an event per row. audit_events keeps
// the events written before; the chain goes on from its last event into the first batch.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('audit_segments')
    // types.time is a 64-bit integer on both (on SQLite, `integer primary key` is the rowid itself)
    .addColumn('first_seq', types.time, (c) => c.primaryKey())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('min_time', types.time, (c) => c.notNull())
    .addColumn('max_time', types.time, (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    // The long values last: a scan of the short columns (a lookup choosing batches) stays off their pages.
    .addColumn('layout', types.blob, (c) => c.notNull())
    .addColumn('hashes', 'text', (c) => c.notNull())
    .addColumn('texts', types.blob, (c) => c.notNull())
    .execute();
}
