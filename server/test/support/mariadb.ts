// MariaDB for the rotation template tests: the local server (root without a password by default), which
// checks the password of every user created with one. Under CI (CI=true) an unreachable server is a
// failure; elsewhere the suite is skipped with a clear reason.
import mysql from 'mysql2/promise';

export const MARIADB = {
  host: process.env.COFFER_TEST_MARIADB_HOST ?? '127.0.0.1',
  port: Number(process.env.COFFER_TEST_MARIADB_PORT ?? 3306),
  user: process.env.COFFER_TEST_MARIADB_USER ?? 'root',
  password: process.env.COFFER_TEST_MARIADB_PASSWORD ?? '',
};

export async function mariadbSkipReason(): Promise<string | undefined> {
  try {
    const conn = await mysql.createConnection({ ...MARIADB, connectTimeout: 2000 });
    await conn.end();
    return undefined;
  } catch (err) {
    const reason = `MariaDB/MySQL is not reachable as ${MARIADB.user}@${MARIADB.host}:${MARIADB.port} (${(err as Error).message}; set COFFER_TEST_MARIADB_*)`;
    if (process.env.CI === 'true') throw new Error(`${reason}: required under CI`);
    return reason;
  }
}
