// The PostgreSQL rotation templates against a throwaway cluster that checks passwords (scram-sha-256).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { scramClusterSkipReason, startScramCluster, type ScramCluster } from '../support/scram-postgres.ts';
import { templateScenarios, type DbTarget } from './template-scenarios.ts';
import { driftRollbackScenarios } from './drift-rollback-scenarios.ts';
import { consumersScenarios } from './consumers-scenarios.ts';

const skip = scramClusterSkipReason();
let cluster: ScramCluster;
let admin: pg.Client;
let target: DbTarget;

before(async () => {
  if (skip) return;
  cluster = await startScramCluster();
  admin = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.admin.username, password: cluster.admin.password, database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE TABLE widgets (id int)');
  target = {
    engine: 'postgres',
    host: cluster.host,
    port: cluster.port,
    master: cluster.admin,
    async createUser(username, password) {
      await admin.query(`CREATE ROLE ${pg.escapeIdentifier(username)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
      await admin.query(`GRANT SELECT, INSERT ON widgets TO ${pg.escapeIdentifier(username)}`);
    },
    async canLogin(username, password) {
      const c = new pg.Client({ host: cluster.host, port: cluster.port, user: username, password, database: 'postgres' });
      try {
        await c.connect();
        await c.query('SELECT count(*) FROM widgets'); // and can use its grants
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === '28P01') return false; // password authentication failed
        throw err;
      } finally {
        await c.end().catch(() => {});
      }
    },
    async grants(username) {
      const privileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
      const rows = await admin.query('SELECT p FROM unnest($2::text[]) p WHERE has_table_privilege($1, $3, p)', [username, privileges, 'widgets']);
      return rows.rows.map((r) => r.p as string);
    },
    async setPassword(username, password) {
      await admin.query(`ALTER ROLE ${pg.escapeIdentifier(username)} PASSWORD ${pg.escapeLiteral(password)}`);
    },
  };
});
after(async () => {
  await admin?.end().catch(() => {});
  await cluster?.stop();
});

test('the throwaway cluster checks passwords (a wrong one is refused)', { skip }, async () => {
  assert.equal(await target.canLogin(cluster.admin.username, 'not-the-password'), false);
  assert.equal(await target.canLogin(cluster.admin.username, cluster.admin.password), true);
});

templateScenarios({ label: 'PostgreSQL', skip, template: (s) => `SecretsManagerRDSPostgreSQLRotation${s}User`, target: () => target });
driftRollbackScenarios({ label: 'PostgreSQL', skip, template: (s) => `SecretsManagerRDSPostgreSQLRotation${s}User`, target: () => target });
consumersScenarios({ label: 'PostgreSQL', skip, template: (s) => `SecretsManagerRDSPostgreSQLRotation${s}User`, target: () => target });
