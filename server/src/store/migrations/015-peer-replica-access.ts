// A peer region's LastAccessedDate: the replica lives in the other deployment, so the primary keeps the day the
// peer last reported (with each push's answer, and a probe at most once a day) to show it in ReplicationStatus.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  // the replica's LastAccessedDate as the peer last reported it (a day); null: never read there, or not known yet
  await db.schema.alterTable('secret_replicas').addColumn('peer_last_accessed_at', types.time).execute();
  // when the peer last reported it: an InSync region is probed when this is before today
  await db.schema.alterTable('secret_replicas').addColumn('peer_access_checked_at', types.time).execute();
}
