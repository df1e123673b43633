// Replication to another Coffer deployment (a peer region): the entry in secret_replicas has no replica row
// here; the primary's writes number its changes and the pusher sends the whole state to the peer until the
// peer has acknowledged the last number. On the peer, a replica remembers the last change number it applied,
// so a push that arrives late (older than what it holds) changes nothing.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  // 1: the region is served by another deployment (COFFER_PEERS)
  await db.schema.alterTable('secret_replicas').addColumn('peer', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // the primary's change number: the time (ms) the region was added, bumped by every write of the primary, so a
  // region added again starts above any number its peer holds from before
  await db.schema.alterTable('secret_replicas').addColumn('change_seq', types.time, (c) => c.notNull().defaultTo(0)).execute();
  // the change number the peer acknowledged last
  await db.schema.alterTable('secret_replicas').addColumn('pushed_seq', types.time, (c) => c.notNull().defaultTo(0)).execute();
  // when the state the peer acknowledged last was read: versions created before it are sent without their value
  await db.schema.alterTable('secret_replicas').addColumn('pushed_state_at', types.time).execute();
  // pushes that failed in a row (the peer unreachable): the backoff grows with them
  await db.schema.alterTable('secret_replicas').addColumn('push_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // no push before this time (backoff); null: at once
  await db.schema.alterTable('secret_replicas').addColumn('next_push_at', types.time).execute();
  // on a peer's replica: the primary's change number it holds
  await db.schema.alterTable('secrets').addColumn('replica_seq', types.time).execute();
}
