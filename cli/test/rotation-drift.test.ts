// `coffer rotation drift | check-drift | rollback` and the drift fields of `coffer rotation-status`, through the
// real binary against a real server and a throwaway PostgreSQL cluster that checks passwords.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { scramClusterSkipReason, startScramCluster, type ScramCluster } from '../../server/test/support/scram-postgres.ts';
import { startCliServer, type CliServer } from './support/cli.ts';

const skip = scramClusterSkipReason();

describe('coffer rotation drift / check-drift / rollback', { skip }, () => {
  let cluster: ScramCluster;
  let admin: pg.Client;
  let s: CliServer;

  before(async () => {
    cluster = await startScramCluster();
    admin = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.admin.username, password: cluster.admin.password, database: 'postgres' });
    await admin.connect();
    s = await startCliServer({ logger: { error: () => {} } });
  });
  after(async () => {
    await s?.close();
    await admin?.end().catch(() => {});
    await cluster?.stop();
  });

  const setPassword = (user: string, password: string) => admin.query(`ALTER ROLE ${pg.escapeIdentifier(user)} PASSWORD ${pg.escapeLiteral(password)}`);
  async function canLogin(user: string, password: string): Promise<boolean> {
    const c = new pg.Client({ host: cluster.host, port: cluster.port, user, password, database: 'postgres' });
    try {
      await c.connect();
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  }

  test('a password changed on the database shows as drifted; rollback is refused while neither version logs in, then puts the old password back', async () => {
    const user = `app_${randomBytes(3).toString('hex')}`;
    const first = `Pw-${randomBytes(12).toString('base64url')}`;
    await admin.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN PASSWORD ${pg.escapeLiteral(first)}`);
    const fn = (await s.json(['functions', 'create', '--name', 'pg-drift', '--template', 'SecretsManagerRDSPostgreSQLRotationSingleUser'])).Function as { FunctionArn: string };
    const value = JSON.stringify({ engine: 'postgres', host: cluster.host, port: cluster.port, username: user, password: first });
    const arn = String((await s.json(['create-secret', '--name', `cli-drift-${randomUUID()}`, '--secret-string', value])).ARN);
    const rotated = await s.run(['rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', fn.FunctionArn, '--rotation-rules', 'AutomaticallyAfterDays=30', '--wait']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const current = JSON.parse(String((await s.json(['get-secret-value', '--secret-id', arn])).SecretString)) as { password: string };

    const set = await s.json(['rotation', 'drift', '--secret-id', arn, '--interval', '5m', '--no-rotate-on-drift']);
    assert.equal(set.DriftCheckIntervalSeconds, 300);
    assert.equal((await s.json(['rotation', 'check-drift', '--secret-id', arn])).DriftStatus, 'ok');

    const intruder = `Pw-${randomBytes(12).toString('base64url')}`;
    await setPassword(user, intruder);
    const checked = await s.json(['rotation', 'check-drift', '--secret-id', arn]);
    assert.equal(checked.DriftStatus, 'drifted');
    const status = await s.run(['rotation-status', '--secret-id', arn, '--query', 'DriftStatus', '--output', 'text']);
    assert.equal(status.stdout.trim(), 'drifted');

    const refused = await s.run(['rotation', 'rollback', '--secret-id', arn]);
    assert.equal(refused.code, 254);
    assert.match(refused.stderr, /\(InvalidRequestException\) when calling the RollbackRotation operation: Neither AWSPREVIOUS nor AWSCURRENT logs in/);
    assert.ok(!refused.stderr.includes(intruder) && !refused.stderr.includes(current.password));

    await setPassword(user, current.password);
    const rolled = await s.json(['rotation', 'rollback', '--secret-id', arn]);
    const now = await s.json(['get-secret-value', '--secret-id', arn]);
    assert.equal(now.VersionId, rolled.VersionId);
    assert.equal((JSON.parse(String(now.SecretString)) as { password: string }).password, first);
    assert.equal(await canLogin(user, first), true, 'the old credentials log in again');
    assert.equal(await canLogin(user, current.password), false);

    const off = await s.json(['rotation', 'drift', '--secret-id', arn, '--interval', 'off']);
    assert.equal(off.DriftStatus, undefined);
  });
});
