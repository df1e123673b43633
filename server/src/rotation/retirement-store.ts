// SQL for consumer-aware retirement: one row per secret with RetireAfterIdle set. No rules here.
import type { Executor } from '../store/db.ts';
import type { RotationRetirementTable } from '../store/schema.ts';

export type RetirementRow = RotationRetirementTable;

export async function findRetirement(db: Executor, secretId: string): Promise<RetirementRow | undefined> {
  return db.selectFrom('rotation_retirements').selectAll().where('secret_id', '=', secretId).executeTakeFirst();
}

export async function saveRetirement(db: Executor, row: RetirementRow): Promise<void> {
  const { secret_id, ...rest } = row;
  const updated = await db.updateTable('rotation_retirements').set(rest).where('secret_id', '=', secret_id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('rotation_retirements').values(row).execute();
}

export async function deleteRetirement(db: Executor, secretId: string): Promise<void> {
  await db.deleteFrom('rotation_retirements').where('secret_id', '=', secretId).execute();
}

/** Settings whose secret is gone (purged, or force-deleted). */
export async function deleteOrphanRetirements(db: Executor): Promise<number> {
  const result = await db
    .deleteFrom('rotation_retirements')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('secrets').select('secrets.id').whereRef('secrets.id', '=', 'rotation_retirements.secret_id'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
