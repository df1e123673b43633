// PostgreSQL for tests: each suite creates its own database on the local server and drops it afterwards.
// Under CI (CI=true) an unreachable server is a failure; elsewhere the suite is skipped with a clear reason.
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const POSTGRES_ADMIN_URL = process.env.COFFER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why a PostgreSQL suite does not run, or undefined when it must run. Throws under CI when PostgreSQL is missing. */
export async function postgresSkipReason(): Promise<string | undefined> {
  if (await postgresAvailable()) return undefined;
  const reason = `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (set COFFER_TEST_POSTGRES_URL)`;
  if (process.env.CI === 'true') throw new Error(`${reason}: required under CI`);
  return reason;
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `coffer_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
