// Database leases: one row per kind of background work. A server holds the lease until `expires_at`;
// another takes it only once it has run out. The conditional update (or the insert of a missing row) is
// atomic on both dialects, so of several servers sharing one PostgreSQL exactly one holds it at a time.
import { isUniqueViolation, type Executor } from './db.ts';

/** True when `holder` now holds lease `name` until now + ttlMs (taken, or renewed by its holder). */
export async function acquireLease(db: Executor, name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
  const result = await db
    .updateTable('leases')
    .set({ holder, expires_at: now + ttlMs })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<=', now)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  try {
    await db.insertInto('leases').values({ name, holder, expires_at: now + ttlMs }).execute();
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}
