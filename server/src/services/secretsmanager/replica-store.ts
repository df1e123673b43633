// SQL for replication entries (table secret_replicas): which regions a primary secret replicates to, each
// region's status, and the replica's secret row in this store. No rules here (see replication.ts).
import type { Executor } from '../../store/db.ts';
import type { Insertable, Selectable } from 'kysely';
import type { SecretReplicaTable } from '../../store/schema.ts';

export type ReplicaEntry = Selectable<SecretReplicaTable>;
export type NewReplicaEntry = Insertable<SecretReplicaTable>;
/** An entry with its replica's LastAccessedDate (from the replica's own row, or as a peer reported it). */
export type ReplicaEntryWithAccess = ReplicaEntry & { replica_last_accessed_at: number | null };

export async function listReplicaEntries(db: Executor, primaryId: string): Promise<ReplicaEntryWithAccess[]> {
  return db
    .selectFrom('secret_replicas as r')
    .leftJoin('secrets as s', 's.id', 'r.replica_id')
    .selectAll('r')
    .select((eb) => eb.fn.coalesce('s.last_accessed_at', 'r.peer_last_accessed_at').as('replica_last_accessed_at'))
    .where('r.primary_id', '=', primaryId)
    .orderBy('r.position')
    .execute();
}

/** The entry whose replica is the given secret row (a replica has one primary). */
export async function findEntryOfReplica(db: Executor, replicaId: string): Promise<ReplicaEntry | undefined> {
  return db.selectFrom('secret_replicas').selectAll().where('replica_id', '=', replicaId).executeTakeFirst();
}

export async function upsertReplicaEntry(db: Executor, entry: NewReplicaEntry): Promise<void> {
  await deleteReplicaEntry(db, entry.primary_id, entry.region);
  await db.insertInto('secret_replicas').values(entry).execute();
}

export async function updateReplicaEntry(db: Executor, primaryId: string, region: string, patch: Partial<NewReplicaEntry>): Promise<void> {
  await db.updateTable('secret_replicas').set(patch).where('primary_id', '=', primaryId).where('region', '=', region).execute();
}

export async function deleteReplicaEntry(db: Executor, primaryId: string, region: string): Promise<void> {
  await db.deleteFrom('secret_replicas').where('primary_id', '=', primaryId).where('region', '=', region).execute();
}


/** Peer entries due for a push (behind the primary, not Failed, backoff over), oldest first. */
export function peerEntriesDue(db: Executor, now: number, limit: number): Promise<ReplicaEntry[]> {
  return peerEntriesIn(db, 'InProgress', 'next_push_at', now + 1, limit); // next_push_at <= now (ms)
}

/** InSync peer entries whose replica's LastAccessedDate was last asked for before `since` (the start of today). */
export function peerEntriesToProbe(db: Executor, since: number, limit: number): Promise<ReplicaEntry[]> {
  return peerEntriesIn(db, 'InSync', 'peer_access_checked_at', since, limit);
}

/** Peer entries in `status` whose `column` is null or before `before`, oldest first. */
async function peerEntriesIn(db: Executor, status: string, column: 'next_push_at' | 'peer_access_checked_at', before: number, limit: number): Promise<ReplicaEntry[]> {
  return db
    .selectFrom('secret_replicas')
    .selectAll()
    .where('peer', '=', 1)
    .where('status', '=', status)
    .where((eb) => eb.or([eb(column, 'is', null), eb(column, '<', before)]))
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** The replica's LastAccessedDate as the peer reported it at `at` (null: never read there). */
export async function notePeerAccess(db: Executor, primaryId: string, region: string, lastAccessedAt: number | null, at: number): Promise<void> {
  await db
    .updateTable('secret_replicas')
    .set({ peer_last_accessed_at: lastAccessedAt, peer_access_checked_at: at })
    .where('primary_id', '=', primaryId)
    .where('region', '=', region)
    .where('peer', '=', 1)
    .execute();
}

/** A peer entry acknowledged up to `seq`: InSync only when no write came after the push read the state. */
export async function acknowledgePush(db: Executor, primaryId: string, region: string, seq: number, stateAt: number, message: string): Promise<void> {
  await db
    .updateTable('secret_replicas')
    .set((eb) => ({
      pushed_seq: seq,
      pushed_state_at: stateAt,
      push_failures: 0,
      next_push_at: null,
      status: eb.case().when('change_seq', '<=', seq).then('InSync').else('InProgress').end(),
      status_message: eb.case().when('change_seq', '<=', seq).then(message).else(null).end(),
    }))
    .where('primary_id', '=', primaryId)
    .where('region', '=', region)
    .where('status', '=', 'InProgress')
    .execute();
}

/** Every write of a primary: its peer entries that are not Failed are behind until the next push. */
export async function bumpPeerChanges(db: Executor, primaryId: string): Promise<number> {
  const result = await db
    .updateTable('secret_replicas')
    .set((eb) => ({ change_seq: eb('change_seq', '+', 1), status: 'InProgress', status_message: null }))
    .where('primary_id', '=', primaryId)
    .where('peer', '=', 1)
    .where('status', '!=', 'Failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
