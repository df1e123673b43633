// The MySQL and MariaDB rotation templates against the local MariaDB (same protocol and account
// statements as MySQL), which checks the password of every user created with one.
import { before, after } from 'node:test';
import mysql from 'mysql2/promise';
import { MARIADB, mariadbSkipReason } from '../support/mariadb.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import { strongPassword, templateScenarios, uniqueName, type DbTarget } from './template-scenarios.ts';
import { driftRollbackScenarios } from './drift-rollback-scenarios.ts';
import { consumersScenarios } from './consumers-scenarios.ts';

const skip = await mariadbSkipReason();
const database = uniqueName('coffer_tpl');
const master = { username: uniqueName('master'), password: strongPassword() };
const users: string[] = [];
let admin: mysql.Connection;

const lit = (s: string) => mysql.escape(s);

before(async () => {
  if (skip) return;
  admin = await mysql.createConnection(MARIADB);
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(`CREATE TABLE \`${database}\`.widgets (id int)`);
  await admin.query(`CREATE USER ${lit(master.username)}@'%' IDENTIFIED BY ${lit(master.password)}`);
  await admin.query(`GRANT ALL PRIVILEGES ON *.* TO ${lit(master.username)}@'%' WITH GRANT OPTION`);
});
after(async () => {
  if (!admin) return;
  const all = [master.username, ...users, ...users.map((u) => `${u}_clone`)];
  for (const u of all) await admin.query(`DROP USER IF EXISTS ${lit(u)}@'%'`);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
});

function target(engine: string): DbTarget {
  return {
    engine,
    host: MARIADB.host,
    port: MARIADB.port,
    dbname: database,
    master,
    async createUser(username, password) {
      users.push(username);
      await admin.query(`CREATE USER ${lit(username)}@'%' IDENTIFIED BY ${lit(password)}`);
      await admin.query(`GRANT SELECT, INSERT ON \`${database}\`.widgets TO ${lit(username)}@'%'`);
    },
    async canLogin(username, password) {
      let conn: mysql.Connection | undefined;
      try {
        conn = await mysql.createConnection({ host: MARIADB.host, port: MARIADB.port, user: username, password, database });
        await conn.query('SELECT count(*) FROM widgets'); // and can use its grants
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR') return false;
        throw err;
      } finally {
        await conn?.end().catch(() => {});
      }
    },
    async grants(username) {
      const [rows] = await admin.query(`SHOW GRANTS FOR ${lit(username)}@'%'`);
      return (rows as Record<string, string>[])
        .map((r) => Object.values(r)[0].replace(/ TO .*$/, ''))
        .sort();
    },
    async setPassword(username, password) {
      await admin.query(`SET PASSWORD FOR ${lit(username)}@'%' = PASSWORD(${lit(password)})`);
    },
  };
}

templateScenarios({ label: 'MySQL', skip, template: (s) => `SecretsManagerRDSMySQLRotation${s}User`, target: () => target('mysql') });
templateScenarios({ label: 'MariaDB', skip, template: (s) => `SecretsManagerRDSMariaDBRotation${s}User`, target: () => target('mariadb') });
// The templates do not depend on Coffer's store, but the rotation around them does: once on PostgreSQL too.
const pgSkip = skip ?? (await postgresSkipReason());
templateScenarios({ label: 'MariaDB-on-PostgreSQL-storage', skip: pgSkip, storage: 'postgres', template: (s) => `SecretsManagerRDSMariaDBRotation${s}User`, target: () => target('mariadb') });
driftRollbackScenarios({ label: 'MariaDB', skip, template: (s) => `SecretsManagerRDSMariaDBRotation${s}User`, target: () => target('mariadb') });
driftRollbackScenarios({ label: 'MariaDB-on-PostgreSQL-storage', skip: pgSkip, storage: 'postgres', template: (s) => `SecretsManagerRDSMariaDBRotation${s}User`, target: () => target('mariadb') });
consumersScenarios({ label: 'MariaDB', skip, template: (s) => `SecretsManagerRDSMariaDBRotation${s}User`, target: () => target('mariadb') });
consumersScenarios({ label: 'MariaDB-on-PostgreSQL-storage', skip: pgSkip, storage: 'postgres', template: (s) => `SecretsManagerRDSMariaDBRotation${s}User`, target: () => target('mariadb') });
