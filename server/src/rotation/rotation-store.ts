// SQL for rotation: each secret's rotation row (configuration and the run in progress) and the registered
// rotation functions. No rules here.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Executor } from '../store/db.ts';
import type { Database, RotationFunctionTable, SecretRotationTable } from '../store/schema.ts';

export type RotationRow = SecretRotationTable;
export type FunctionRow = RotationFunctionTable;

export async function findRotation(db: Executor, secretId: string): Promise<RotationRow | undefined> {
  return db.selectFrom('secret_rotations').selectAll().where('secret_id', '=', secretId).executeTakeFirst();
}

/** The rotation rows of the secrets with these ARNs, by ARN (secrets never configured have none). */
export async function findRotationsByArns(db: Executor, arns: readonly string[]): Promise<Map<string, RotationRow>> {
  if (arns.length === 0) return new Map();
  const rows = await db
    .selectFrom('secret_rotations')
    .innerJoin('secrets', 'secrets.id', 'secret_rotations.secret_id')
    .selectAll('secret_rotations')
    .select('secrets.arn as secret_arn')
    .where('secrets.arn', 'in', arns)
    .execute();
  return new Map(rows.map(({ secret_arn, ...row }) => [secret_arn, row]));
}

/** Rotation rows whose secret is gone (purged after its recovery window, or force-deleted). */
export async function deleteOrphanRotations(db: Executor): Promise<number> {
  const result = await db
    .deleteFrom('secret_rotations')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('secrets').select('secrets.id').whereRef('secrets.id', '=', 'secret_rotations.secret_id'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function saveRotation(db: Executor, row: RotationRow): Promise<void> {
  const { secret_id, ...rest } = row;
  const updated = await db.updateTable('secret_rotations').set(rest).where('secret_id', '=', secret_id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('secret_rotations').values(row).execute();
}

export async function patchRotation(db: Executor, secretId: string, patch: Partial<RotationRow>): Promise<void> {
  await db.updateTable('secret_rotations').set(patch).where('secret_id', '=', secretId).execute();
}

/**
 * Claims the run of `secretId` for `holder` until `until`, when it is free (unclaimed, or its claim ran out:
 * a run left by a stopped server)
 * and still on `token`. Atomic on both dialects: of two servers, one gets it.
 */
export async function claimRun(db: Executor, secretId: string, token: string, holder: string, now: number, until: number): Promise<boolean> {
  const result = await db
    .updateTable('secret_rotations')
    .set({ run_claimed_by: holder, run_claim_until: until })
    .where('secret_id', '=', secretId)
    .where('run_token', '=', token)
    .where((eb) => eb.or([eb('run_claimed_by', 'is', null), eb('run_claim_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Runs waiting for their next attempt (new, retried, or interrupted by a stopped server). */
export async function runsDue(db: Executor, now: number, limit: number): Promise<RotationRow[]> {
  return db
    .selectFrom('secret_rotations')
    .selectAll()
    .where('run_token', 'is not', null)
    .where('run_next_at', '<=', now)
    .where((eb) => eb.or([eb('run_claimed_by', 'is', null), eb('run_claim_until', '<=', now)]))
    .limit(limit)
    .execute();
}

/** Enabled schedules whose window has begun and that have no run in progress. */
export async function schedulesDue(db: Executor, now: number, limit: number): Promise<RotationRow[]> {
  return db
    .selectFrom('secret_rotations')
    .selectAll()
    .where('enabled', '=', 1)
    .where('run_token', 'is', null)
    .where('window_start', '<=', now)
    .limit(limit)
    .execute();
}

/**
 * The store's rotation backlog at `now`. Due: enabled schedules whose window has begun and that have no run yet,
 * and runs waiting for an attempt. Overdue: enabled schedules whose window ended with no run (the scheduler
 * moves them to their next window) and runs that failed for good (they stay until RotateSecret or
 * CancelRotateSecret).
 */
export async function countBacklog(db: Executor, now: number): Promise<{ due: number; overdue: number }> {
  const count = (eb: ExpressionBuilder<Database, 'secret_rotations'>, condition: Expression<SqlBool>) =>
    eb.fn.sum<number | string | null>(eb.case().when(condition).then(1).else(0).end());
  const row = await db
    .selectFrom('secret_rotations')
    .select((eb) => [
      count(
        eb,
        eb.or([
          eb.and([eb('enabled', '=', 1), eb('run_token', 'is', null), eb('window_start', '<=', now)]),
          eb.and([eb('run_token', 'is not', null), eb('run_next_at', '<=', now)]),
        ]),
      ).as('due'),
      count(
        eb,
        eb.or([
          eb.and([eb('enabled', '=', 1), eb('run_token', 'is', null), eb('window_end', '<=', now)]),
          eb.and([eb('run_token', 'is not', null), eb('run_next_at', 'is', null), eb('last_status', '=', 'failed')]),
        ]),
      ).as('overdue'),
    ])
    .executeTakeFirst();
  return { due: Number(row?.due ?? 0), overdue: Number(row?.overdue ?? 0) };
}

export async function deleteRotation(db: Executor, secretId: string): Promise<void> {
  await db.deleteFrom('secret_rotations').where('secret_id', '=', secretId).execute();
}

export async function findFunctionByArn(db: Executor, arn: string): Promise<FunctionRow | undefined> {
  return db.selectFrom('rotation_functions').selectAll().where('arn', '=', arn).executeTakeFirst();
}

export async function insertFunction(db: Executor, row: FunctionRow): Promise<void> {
  await db.insertInto('rotation_functions').values(row).execute();
}

export async function listFunctions(db: Executor, accountId: string, region: string): Promise<FunctionRow[]> {
  return db
    .selectFrom('rotation_functions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('region', '=', region)
    .orderBy('name')
    .execute();
}

export async function deleteFunction(db: Executor, arn: string): Promise<boolean> {
  const result = await db.deleteFrom('rotation_functions').where('arn', '=', arn).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
