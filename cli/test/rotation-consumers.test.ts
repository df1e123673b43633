// `coffer rotation consumers | retirement` and the retirement fields of `coffer rotation-status`, through the real
// binary against a real server and a throwaway PostgreSQL cluster that checks passwords, rotated by the
// MultiUser (alternating users) template.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { scramClusterSkipReason, startScramCluster, type ScramCluster } from '../../server/test/support/scram-postgres.ts';
import { startCliServer, type CliServer } from './support/cli.ts';

const skip = scramClusterSkipReason();

describe('coffer rotation consumers / retirement', { skip }, () => {
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

  test('a reader of AWSPREVIOUS is listed, holds the next rotation back by name, and the rotation runs once retirement is off', async () => {
    const user = `app_${randomBytes(3).toString('hex')}`;
    const first = `Pw-${randomBytes(12).toString('base64url')}`;
    await admin.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN PASSWORD ${pg.escapeLiteral(first)}`);
    const fn = (await s.json(['functions', 'create', '--name', 'pg-multi', '--template', 'SecretsManagerRDSPostgreSQLRotationMultiUser'])).Function as { FunctionArn: string };
    const base = { engine: 'postgres', host: cluster.host, port: cluster.port };
    const masterArn = String((await s.json(['create-secret', '--name', `cli-master-${randomUUID()}`, '--secret-string', JSON.stringify({ ...base, ...cluster.admin })])).ARN);
    const value = JSON.stringify({ ...base, username: user, password: first, masterarn: masterArn });
    const arn = String((await s.json(['create-secret', '--name', `cli-consumers-${randomUUID()}`, '--secret-string', value])).ARN);
    const rotated = await s.run(['rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', fn.FunctionArn, '--rotation-rules', 'AutomaticallyAfterDays=30', '--wait']);
    assert.equal(rotated.code, 0, rotated.stderr);

    // the profile's principal (the account's root) reads AWSPREVIOUS: the original user, still valid
    const previous = await s.json(['get-secret-value', '--secret-id', arn, '--version-stage', 'AWSPREVIOUS']);
    assert.equal((JSON.parse(String(previous.SecretString)) as { username: string }).username, user);
    const root = `arn:aws:iam::${s.server.app.accountId}:root`;

    const listed = await s.json(['rotation', 'consumers', '--secret-id', arn, '--window', '1h']);
    const versions = listed.Versions as Array<{ VersionId: string; VersionStages: string[]; Consumers: Array<{ PrincipalArn: string; ReadAs: string }> }>;
    const prev = versions.find((v) => v.VersionId === previous.VersionId)!;
    assert.deepEqual(prev.VersionStages, ['AWSPREVIOUS']);
    assert.deepEqual(prev.Consumers.map((c) => [c.PrincipalArn, c.ReadAs]), [[root, 'AWSPREVIOUS']]);

    const set = await s.json(['rotation', 'retirement', '--secret-id', arn, '--retire-after-idle', '1h']);
    assert.equal(set.RetireAfterIdleSeconds, 3600);
    const status = await s.json(['rotation-status', '--secret-id', arn]);
    assert.deepEqual((status.PreviousVersionConsumers as Array<{ PrincipalArn: string }>).map((c) => c.PrincipalArn), [root]);

    const held = await s.run(['rotate-secret', '--secret-id', arn]);
    assert.equal(held.code, 254);
    assert.match(held.stderr, /\(InvalidRequestException\) when calling the RotateSecret operation: Held: AWSPREVIOUS \(version [0-9a-f-]+\) was read within the last 1h by arn:aws:iam::\d+:root/);
    assert.equal(await canLogin(user, first), true, 'the old password is not retired');

    const off = await s.json(['rotation', 'retirement', '--secret-id', arn, '--retire-after-idle', 'off']);
    assert.equal(off.RetireAfterIdleSeconds, undefined);
    const again = await s.run(['rotate-secret', '--secret-id', arn, '--wait']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await canLogin(user, first), false, 'the next rotation set a new password on the AWSPREVIOUS user');
  });
});
