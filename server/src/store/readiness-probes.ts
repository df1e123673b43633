// The store's part of readiness (http/readiness.ts): can this server write, and is the schema the one it
// was built for. Neither changes anything.
import { sql } from 'kysely';
import { MIGRATION_NAMES, type Db } from './db.ts';

class ProbeRollback extends Error {}

/**
 * Rewrites a row that exists on every installation to its own value inside a transaction that then rolls back:
 * a read-only database (a PostgreSQL standby, a read-only file) or one that does not answer fails it.
 */
export async function checkWritable(db: Db): Promise<void> {
  try {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('meta').set((eb) => ({ value: eb.ref('value') })).where('key', '=', 'root_key_check').execute();
      throw new ProbeRollback();
    });
  } catch (err) {
    if (!(err instanceof ProbeRollback)) throw err;
  }
}

/** The migrations this server knows that the database has not recorded (say, it was restored from an older copy under a running server). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from coffer_migrations`.execute(db);
  const applied = new Set(rows.map((r) => r.name));
  return MIGRATION_NAMES.filter((name) => !applied.has(name));
}
