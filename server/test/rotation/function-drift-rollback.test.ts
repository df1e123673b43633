// Drift checks and rollback for database secrets rotated by a function that is not a built-in template: a
// Lambda-style handler (AWS's single-user structure, Node.js) rotates users on real databases that check
// passwords (a throwaway scram-sha-256 PostgreSQL cluster and MariaDB). Coffer logs in with the template's
// login for the value's engine: a password changed on the database is found, a rollback sets the previous
// password back (same user) or switches back to a previous user that still logs in, and is refused with
// nothing changed when the previous credentials cannot log in or the value is not a database credential.
// Coffer's own store: SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createLog } from '../../src/observability/log.ts';
import { allow, BACKENDS, expectAdminError, startAccessServer, type AccessServer } from '../access/helpers.ts';
import { mariadbSkipReason } from '../support/mariadb.ts';
import { scramClusterSkipReason } from '../support/scram-postgres.ts';
import { strongPassword, uniqueName } from './template-scenarios.ts';
import { userDatabases, type Database } from './user-databases.ts';

const CODE = join(dirname(fileURLToPath(import.meta.url)), 'lambda');
const skip = scramClusterSkipReason() ?? (await mariadbSkipReason());
const UNSUPPORTED = /^Coffer cannot log in for this secret: its value is not a database credential of a supported engine \(engine key is missing from secret JSON\)\.$/;

const databases = userDatabases(skip);

for (const { name: backend, skip: backendSkip } of BACKENDS) describe(`drift checks and rollback of a Lambda-rotated database secret (${backend} store)`, { skip: skip ?? backendSkip }, () => {
  let s: AccessServer;
  let client: SecretsManagerClient;
  let fnArn: string;
  const logs: string[] = [];

  before(async () => {
    s = await startAccessServer({
      backend,
      rotation: { backoffMs: 1, maxAttempts: 1 },
      env: { COFFER_ROTATION_CODE_DIRS: CODE },
      log: createLog({ level: 'debug', format: 'json' }, { write: (line: string) => void logs.push(line) }),
      logger: { error: (msg, fields) => logs.push(JSON.stringify({ msg, ...fields })) },
    });
    client = s.sm(s.root);
    const principal = await s.user('rotator', {
      rotate: allow(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:GetRandomPassword']),
    });
    const created = await s.admin('CreateFunction', {
      Name: 'node-rotator', Code: join(CODE, 'nodejs'), Runtime: 'nodejs', Handler: 'index.handler', Timeout: 60,
      Environment: { Variables: { EXCLUDE_CHARACTERS: '/@"\'\\;`' } },
      AccessKeyId: principal.accessKeyId, SecretAccessKey: principal.secretAccessKey,
    });
    fnArn = String((created.Function as Record<string, unknown>).FunctionArn);
  });
  after(async () => {
    await s?.close();
  });

  const value = async (arn: string, stage = 'AWSCURRENT') => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
    return { versionId: out.VersionId!, ...(JSON.parse(out.SecretString!) as { username: string; password: string }) };
  };
  function noPasswordLogged(...passwords: string[]) {
    assert.ok(logs.some((l) => l.includes('credential checks')), 'the checks\' log lines were captured');
    assert.ok(!logs.some((l) => passwords.some((p) => l.includes(p))), 'no password in the server log');
  }

  /** A user and its secret, rotated once by the Lambda-style function: AWSPREVIOUS has the first password. */
  async function rotatedSecret(db: Database) {
    const user = uniqueName('fn');
    const first = strongPassword();
    await db.createUser(user, first);
    const fields = { engine: db.engine, host: db.host, port: db.port, dbname: db.dbname, username: user, password: first };
    const arn = (await client.send(new CreateSecretCommand({ Name: uniqueName('fn-drift'), SecretString: JSON.stringify(fields) }))).ARN!;
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 30 } }));
    await s.server.app.rotation.settled();
    const status = await s.server.app.rotation.status(arn);
    assert.equal(status?.Status, 'succeeded', status?.LastError);
    const current = await value(arn);
    assert.notEqual(current.password, first);
    return { arn, user, first, fields, current };
  }

  for (const engine of ['postgres', 'mariadb']) {
    test(`${engine}: a password changed on the database is found by the drift check, which clears when it is put right`, async () => {
      const db = databases[engine];
      const { arn, user, current } = await rotatedSecret(db);
      const set = await s.admin('PutRotationDriftCheck', { SecretId: arn, Interval: '5m' });
      assert.equal(set.DriftCheckIntervalSeconds, 300);
      await s.server.app.rotation.tick(); // the first check is due at once
      await s.server.app.rotation.settled();
      let status = await s.admin('GetRotationStatus', { SecretId: arn });
      assert.equal(status.DriftStatus, 'ok', JSON.stringify(status));
      assert.equal(status.DriftMessage, `AWSCURRENT logs in as ${user}`);

      const intruder = strongPassword();
      await db.setPassword(user, intruder);
      status = await s.admin('CheckRotationDrift', { SecretId: arn });
      assert.equal(status.DriftStatus, 'drifted', JSON.stringify(status));
      assert.match(String(status.DriftMessage), new RegExp(`^AWSCURRENT does not log in as ${user}: .*(password|[Aa]ccess denied)`), "with the driver's reason");
      for (const p of [intruder, current.password]) assert.ok(!JSON.stringify(status).includes(p), 'no password in the status');
      const metrics = await (await fetch(`${s.server.endpoint}/metrics`)).text();
      assert.match(metrics, /coffer_rotation_drift_checks_total\{function="lambda",result="drifted"\} [1-9]/);
      const { Events } = (await s.admin('LookupEvents', { EventName: 'RotationDriftDetected', ResourceArn: arn })) as { Events: unknown[] };
      assert.equal(Events.length, 1);

      await db.setPassword(user, current.password);
      assert.equal((await s.admin('CheckRotationDrift', { SecretId: arn })).DriftStatus, 'ok');
      noPasswordLogged(intruder, current.password);
    });

    test(`${engine}: a rollback of the same user sets the previous password back and moves AWSCURRENT to it`, async () => {
      const db = databases[engine];
      const { arn, user, first, current } = await rotatedSecret(db);
      const previous = await value(arn, 'AWSPREVIOUS');
      assert.equal(previous.password, first);
      const out = await s.admin('RollbackRotation', { SecretId: arn });
      assert.deepEqual([out.VersionId, out.PreviousVersionId], [previous.versionId, current.versionId]);
      assert.equal((await value(arn)).versionId, previous.versionId);
      assert.equal(await db.canLogin(user, first), true, 'the previous password logs in again');
      assert.equal(await db.canLogin(user, current.password), false, 'the rolled-back one no longer does');
      assert.equal((await value(arn, 'AWSPREVIOUS')).versionId, current.versionId);
      noPasswordLogged(first, current.password);
    });

    test(`${engine}: a same-user rollback is refused, with nothing changed, when neither version logs in`, async () => {
      const db = databases[engine];
      const { arn, user, current } = await rotatedSecret(db);
      const intruder = strongPassword();
      await db.setPassword(user, intruder);
      await expectAdminError(s.admin('RollbackRotation', { SecretId: arn }), 'InvalidRequestException', /^Neither AWSPREVIOUS nor AWSCURRENT logs in as \S+: the previous password cannot be set back\. Nothing was changed\.$/);
      assert.equal((await value(arn)).versionId, current.versionId, 'AWSCURRENT did not move');
      assert.equal(await db.canLogin(user, intruder), true, 'the database was not touched');
    });

    test(`${engine}: with alternating users a rollback switches back to the previous user, and is refused when it no longer logs in`, async () => {
      const db = databases[engine];
      const { arn, user, fields, current } = await rotatedSecret(db);
      // the other user of the pair, made AWSCURRENT as an alternating-users function's finishSecret does
      const other = { ...fields, username: `${user}_clone`, password: strongPassword() };
      await db.createUser(other.username, other.password);
      const { VersionId: otherVersion } = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(other) }));
      const out = await s.admin('RollbackRotation', { SecretId: arn });
      assert.deepEqual([out.VersionId, out.PreviousVersionId], [current.versionId, otherVersion]);
      assert.equal((await value(arn)).username, user);
      assert.equal(await db.canLogin(user, current.password), true);
      assert.equal(await db.canLogin(other.username, other.password), true, 'the other user is left alone');

      // back to the other user, whose password is then changed: rolling back to it is refused
      await s.admin('RollbackRotation', { SecretId: arn });
      assert.equal((await value(arn)).versionId, otherVersion);
      await db.setPassword(user, strongPassword());
      await expectAdminError(
        s.admin('RollbackRotation', { SecretId: arn }),
        'InvalidRequestException',
        new RegExp(`^The AWSPREVIOUS credentials \\(user ${user}\\) no longer log in: rolling back would hand out credentials that do not work\\. Nothing was changed\\.$`),
      );
      assert.equal((await value(arn)).versionId, otherVersion, 'AWSCURRENT did not move');
      noPasswordLogged(current.password, other.password);
    });
  }

  test('a value that is not a database credential: drift checks and rollback are refused, and a check already on says why', async () => {
    const { arn } = await rotatedSecret(databases.postgres);
    await s.admin('PutRotationDriftCheck', { SecretId: arn, Interval: '1h' });
    const { VersionId } = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ username: 'app', password: strongPassword() }) }));
    const checked = await s.admin('CheckRotationDrift', { SecretId: arn });
    assert.equal(checked.DriftStatus, 'error');
    assert.match(String(checked.DriftMessage), UNSUPPORTED);
    await expectAdminError(s.admin('RollbackRotation', { SecretId: arn }), 'InvalidRequestException', UNSUPPORTED);
    assert.equal((await value(arn)).versionId, VersionId, 'AWSCURRENT did not move');
    await s.admin('PutRotationDriftCheck', { SecretId: arn, Interval: 'off' });
    await expectAdminError(s.admin('PutRotationDriftCheck', { SecretId: arn, Interval: '1h' }), 'InvalidRequestException', UNSUPPORTED);
    assert.equal((await s.admin('GetRotationStatus', { SecretId: arn })).DriftCheckIntervalSeconds, undefined, 'nothing stored');
    // not JSON at all: the message does not quote the value
    const plain = strongPassword();
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: plain }));
    const err = await expectAdminError(s.admin('RollbackRotation', { SecretId: arn }), 'InvalidRequestException', /its value is not a database credential of a supported engine \(The secret value is not valid JSON\)/);
    assert.ok(!err.message.includes(plain));
    // an engine Coffer has no login for
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ engine: 'mongo', host: 'h', username: 'u', password: strongPassword() }) }));
    await expectAdminError(s.admin('RollbackRotation', { SecretId: arn }), 'InvalidRequestException', /supported engine \(its engine is none of postgres, aurora-postgresql, mysql, aurora-mysql, mariadb, oracle, sqlserver\)\.$/);
  });
});
