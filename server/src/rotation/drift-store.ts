// SQL for drift checks: one row per secret whose AWSCURRENT Coffer tests on a schedule. No rules here.
import type { Executor } from '../store/db.ts';
import type { RotationDriftCheckTable } from '../store/schema.ts';

export type DriftRow = RotationDriftCheckTable;

export async function findDriftCheck(db: Executor, secretId: string): Promise<DriftRow | undefined> {
  return db.selectFrom('rotation_drift_checks').selectAll().where('secret_id', '=', secretId).executeTakeFirst();
}

export async function saveDriftCheck(db: Executor, row: DriftRow): Promise<void> {
  const { secret_id, ...rest } = row;
  const updated = await db.updateTable('rotation_drift_checks').set(rest).where('secret_id', '=', secret_id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('rotation_drift_checks').values(row).execute();
}

export async function patchDriftCheck(db: Executor, secretId: string, patch: Partial<DriftRow>): Promise<void> {
  await db.updateTable('rotation_drift_checks').set(patch).where('secret_id', '=', secretId).execute();
}

export async function deleteDriftCheck(db: Executor, secretId: string): Promise<void> {
  await db.deleteFrom('rotation_drift_checks').where('secret_id', '=', secretId).execute();
}

/**
 * Claims a due check by moving its next time on, so that it runs once; of two servers racing for it (a lease
 * that changed hands mid-sweep), one updates the row.
 */
export async function claimDriftCheck(db: Executor, secretId: string, dueAt: number, nextAt: number): Promise<boolean> {
  const result = await db
    .updateTable('rotation_drift_checks')
    .set({ next_check_at: nextAt })
    .where('secret_id', '=', secretId)
    .where('next_check_at', '=', dueAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function driftChecksDue(db: Executor, now: number, limit: number): Promise<DriftRow[]> {
  return db.selectFrom('rotation_drift_checks').selectAll().where('next_check_at', '<=', now).orderBy('next_check_at').limit(limit).execute();
}

/** Checks whose secret is gone (purged, or force-deleted). */
export async function deleteOrphanDriftChecks(db: Executor): Promise<number> {
  const result = await db
    .deleteFrom('rotation_drift_checks')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('secrets').select('secrets.id').whereRef('secrets.id', '=', 'rotation_drift_checks.secret_id'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How many secrets' last check found AWSCURRENT not logging in (the metrics read it). */
export async function countDrifted(db: Executor): Promise<number> {
  const row = await db.selectFrom('rotation_drift_checks').select((eb) => eb.fn.countAll<number | string>().as('n')).where('status', '=', 'drifted').executeTakeFirst();
  return Number(row?.n ?? 0);
}
