// Small facts about the installation kept in the `meta` table (account id, root-key check value).
import type { Db, Executor } from './db.ts';
import { isUniqueViolation } from './db.ts';

export async function getMeta(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Stores the value unless another server stored one first; returns the value that is now stored. */
export async function initMeta(db: Db, key: string, value: string): Promise<string> {
  try {
    await db.insertInto('meta').values({ key, value }).execute();
    return value;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return (await getMeta(db, key))!;
  }
}

/** Replaces a stored value (in the caller's transaction). */
export async function setMeta(db: Executor, key: string, value: string): Promise<void> {
  await db.updateTable('meta').set({ value }).where('key', '=', key).execute();
}
