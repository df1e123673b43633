// SQL for replication entries (table secret_replicas): which regions a primary secret replicates to, each
// region's status, and the replica's secret row in this store. No rules here (see replication.ts).
import type { Executor } from '../../store/db.ts';
import type { SecretReplicaTable } from '../../store/schema.ts';

export type ReplicaEntry = SecretReplicaTable;
/** An entry with its replica's LastAccessedDate (from the replica's own row). */
export type ReplicaEntryWithAccess = ReplicaEntry & { replica_last_accessed_at: number | null };

export async function listReplicaEntries(db: Executor, primaryId: string): Promise<ReplicaEntryWithAccess[]> {
  return db
    .selectFrom('secret_replicas as r')
    .leftJoin('secrets as s', 's.id', 'r.replica_id')
    .selectAll('r')
    .select('s.last_accessed_at as replica_last_accessed_at')
    .where('r.primary_id', '=', primaryId)
    .orderBy('r.position')
    .execute();
}

/** The entry whose replica is the given secret row (a replica has one primary). */
export async function findEntryOfReplica(db: Executor, replicaId: string): Promise<ReplicaEntry | undefined> {
  return db.selectFrom('secret_replicas').selectAll().where('replica_id', '=', replicaId).executeTakeFirst();
}

export async function upsertReplicaEntry(db: Executor, entry: ReplicaEntry): Promise<void> {
  await deleteReplicaEntry(db, entry.primary_id, entry.region);
  await db.insertInto('secret_replicas').values(entry).execute();
}

export async function updateReplicaEntry(db: Executor, primaryId: string, region: string, patch: Partial<ReplicaEntry>): Promise<void> {
  await db.updateTable('secret_replicas').set(patch).where('primary_id', '=', primaryId).where('region', '=', region).execute();
}

export async function deleteReplicaEntry(db: Executor, primaryId: string, region: string): Promise<void> {
  await db.deleteFrom('secret_replicas').where('primary_id', '=', primaryId).where('region', '=', region).execute();
}

