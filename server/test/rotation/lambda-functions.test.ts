// Lambda-style rotation functions: handlers written as AWS's rotation templates are (Python with boto3, and
// Node.js with the AWS SDK), registered with CreateFunction (Code, Runtime, Handler, Environment) and run
// unmodified by Coffer's bootstraps. They rotate single users on real databases that check passwords (a
// throwaway scram-sha-256 PostgreSQL cluster and MariaDB) through RotateSecret, with the function's own
// access key; a handler's exception fails the step with its type and message; the context and environment
// are Lambda's. Coffer's own store: SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, GetSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAdminError, startAccessServer, type AccessServer, type Credentials } from '../access/helpers.ts';
import { mariadbSkipReason } from '../support/mariadb.ts';
import { scramClusterSkipReason } from '../support/scram-postgres.ts';
import { strongPassword, uniqueName } from './template-scenarios.ts';
import { userDatabases, type Database } from './user-databases.ts';

const CODE = join(dirname(fileURLToPath(import.meta.url)), 'lambda');

/** A Python 3 with boto3 and the two drivers the Python handler imports (Debian's python3-psycopg2, python3-pymysql). */
function pythonWithDrivers(): { python?: string; skip?: string } {
  for (const python of [process.env.COFFER_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)) {
    if (spawnSync(python, ['-c', 'import boto3, psycopg2, pymysql'], { stdio: 'ignore' }).status === 0) return { python };
  }
  const skip = 'no python3 with boto3, psycopg2 and pymysql (apt-get install python3-boto3 python3-psycopg2 python3-pymysql, or set COFFER_TEST_PYTHON)';
  if (process.env.CI === 'true') throw new Error(`${skip}: required under CI`);
  return { skip };
}

const { python, skip: pythonSkip } = pythonWithDrivers();
const skip = pythonSkip ?? scramClusterSkipReason() ?? (await mariadbSkipReason());

const RUNTIMES = [
  { runtime: 'python3', dir: 'python', handler: 'lambda_function.lambda_handler' },
  { runtime: 'nodejs', dir: 'nodejs', handler: 'index.handler' },
] as const;

const databases = userDatabases(skip);

for (const { name: backend, skip: backendSkip } of BACKENDS) describe(`Lambda-style rotation functions (${backend} store)`, { skip: skip ?? backendSkip }, () => {
  let s: AccessServer;
  let client: SecretsManagerClient;
  let principal: Credentials;
  const logs: string[] = [];

  before(async () => {
    s = await startAccessServer({
      backend,
      rotation: { backoffMs: 1, maxAttempts: 1 },
      env: { COFFER_ROTATION_CODE_DIRS: CODE, COFFER_ROTATION_PYTHON: python! },
      logger: { error: (msg, fields) => logs.push(JSON.stringify({ msg, ...fields })) },
    });
    client = s.sm(s.root);
    // the functions act as a principal of their own, allowed what a rotation function's execution role is
    principal = await s.user('rotator', {
      rotate: allow(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:GetRandomPassword']),
    });
    for (const r of RUNTIMES) {
      const created = await s.admin('CreateFunction', {
        Name: `${r.dir}-rotator`,
        Code: join(CODE, r.dir),
        Runtime: r.runtime,
        Handler: r.handler,
        Environment: { Variables: { EXCLUDE_CHARACTERS: '/@"\'\\;`' } },
        Timeout: 60,
        AccessKeyId: principal.accessKeyId,
        SecretAccessKey: principal.secretAccessKey,
      });
      const f = created.Function as Record<string, unknown>;
      assert.deepEqual([f.Kind, f.Runtime, f.Handler, f.Timeout, f.AccessKeyId, f.Target], ['lambda', r.runtime, r.handler, 60, principal.accessKeyId, join(CODE, r.dir)]);
    }
  });
  after(async () => {
    await s?.close();
  });

  const fnArn = (dir: string) => `arn:aws:lambda:us-east-1:${s.accountId}:function:${dir}-rotator`;
  const value = async (arn: string, stage = 'AWSCURRENT') => JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString!);

  async function newUserSecret(db: Database, password: string): Promise<{ arn: string; username: string }> {
    const username = uniqueName('lambda');
    await db.createUser(username, password);
    const secret = { engine: db.engine, host: db.host, port: db.port, dbname: db.dbname, username, password };
    const { ARN } = await client.send(new CreateSecretCommand({ Name: uniqueName('lambda-secret'), SecretString: JSON.stringify(secret) }));
    return { arn: ARN!, username };
  }

  for (const r of RUNTIMES) {
    for (const engine of ['postgres', 'mariadb']) {
      test(`${r.runtime} handler rotates a ${engine} user end to end through RotateSecret`, async (t) => {
        const db = databases[engine];
        const first = strongPassword();
        const { arn, username } = await newUserSecret(db, first);
        const started = performance.now();
        const { VersionId } = await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn(r.dir), RotationRules: { AutomaticallyAfterDays: 30 } }));
        await s.server.app.rotation.settled();
        const ms = performance.now() - started;
        t.diagnostic(`one rotation through the ${r.runtime} handler on ${engine}: ${ms.toFixed(0)} ms`);
        const status = await s.server.app.rotation.status(arn);
        assert.equal(status?.Status, 'succeeded', status?.LastError);
        const now = await value(arn);
        assert.equal((await client.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId, VersionId);
        assert.equal(now.username, username);
        assert.notEqual(now.password, first);
        assert.doesNotMatch(now.password, /[/@"'\\;`]/, 'the function saw its EXCLUDE_CHARACTERS');
        assert.equal(await db.canLogin(username, now.password), true, 'the new password logs in');
        assert.equal(await db.canLogin(username, first), false, 'the old one no longer does');
        assert.equal((await value(arn, 'AWSPREVIOUS')).password, first);
        assert.ok(!logs.some((l) => l.includes(now.password) || l.includes(first)), 'no password in the server log');
      });
    }

    test(`${r.runtime} handler: an exception fails the step with its type and message; nothing changes`, async () => {
      const db = databases.mariadb;
      const { arn, username } = await newUserSecret(db, strongPassword());
      const real = strongPassword();
      await db.setPassword(username, real); // changed behind the secret's back: AWSCURRENT no longer logs in
      const before = await value(arn);
      await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn(r.dir), RotationRules: { AutomaticallyAfterDays: 30 } }));
      await s.server.app.rotation.settled();
      const status = await s.server.app.rotation.status(arn);
      assert.equal(status?.Status, 'failed');
      // setSecret finds that neither AWSCURRENT nor AWSPENDING logs in, and AWSPREVIOUS does not exist yet
      assert.match(status!.LastError!, /^setSecret: the handler \S+ exited with 1: /);
      assert.match(status!.LastError!, /ResourceNotFoundException: [^\n]*\S\s*$/, 'the exception\'s type and message end the error');
      assert.ok(status!.LastError!.length <= 1000);
      assert.ok(!status!.LastError!.includes(before.password) && !status!.LastError!.includes(real), 'no password in the error');
      assert.deepEqual(await value(arn), before, 'AWSCURRENT did not move');
      assert.equal(await db.canLogin(username, real), true, 'the database password did not change');
    });
  }

  test("a handler whose error shows the secret's password: the rotation status and InvokeFunction show it scrubbed", async () => {
    await s.admin('CreateFunction', {
      Name: 'leaky', Code: join(CODE, 'nodejs'), Runtime: 'nodejs', Handler: 'leaky.handler',
      AccessKeyId: principal.accessKeyId, SecretAccessKey: principal.secretAccessKey,
    });
    const password = strongPassword();
    const { ARN } = await client.send(new CreateSecretCommand({ Name: uniqueName('leaky'), SecretString: JSON.stringify({ username: 'app_user', password }) }));
    await client.send(new RotateSecretCommand({ SecretId: ARN, RotationLambdaARN: `arn:aws:lambda:us-east-1:${s.accountId}:function:leaky`, RotationRules: { AutomaticallyAfterDays: 30 } }));
    await s.server.app.rotation.settled();
    const status = await s.server.app.rotation.status(ARN!);
    assert.match(status!.LastError!, /Error: could not log in as app_user with \*\*\*\* at createSecret\s*$/);
    const out = await s.admin('InvokeFunction', { Name: 'leaky', SecretId: ARN, Step: 'testSecret', ClientRequestToken: randomUUID() });
    assert.match(String(out.ErrorMessage), /Error: could not log in as app_user with \*\*\*\* at testSecret\s*$/);
    assert.ok(!logs.some((l) => l.includes(password)), 'nor in the server log');
  });

  test("a handler whose module or function is missing fails as Lambda's runtime does", async () => {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: uniqueName('missing'), SecretString: 'x' }));
    const cases = [
      { name: 'py-nomodule', dir: 'python', runtime: 'python3', handler: 'nope.handler', error: /Runtime\.ImportModuleError: Unable to import module 'nope': No module named 'nope'\s*$/ },
      { name: 'py-nofunction', dir: 'python', runtime: 'python3', handler: 'probe.nope', error: /Runtime\.HandlerNotFound: Handler nope missing on module probe\s*$/ },
      { name: 'node-nomodule', dir: 'nodejs', runtime: 'nodejs', handler: 'nope.handler', error: /Runtime\.ImportModuleError: Cannot find module 'nope'\s*$/ },
      { name: 'node-nofunction', dir: 'nodejs', runtime: 'nodejs', handler: 'probe.nope', error: /Runtime\.HandlerNotFound: probe\.nope is undefined or not exported\s*$/ },
    ];
    for (const c of cases) {
      await s.admin('CreateFunction', { Name: c.name, Code: join(CODE, c.dir), Runtime: c.runtime, Handler: c.handler, AccessKeyId: principal.accessKeyId, SecretAccessKey: principal.secretAccessKey });
      const out = await s.admin('InvokeFunction', { Name: c.name, SecretId: ARN, Step: 'createSecret', ClientRequestToken: randomUUID() });
      assert.equal(out.FunctionError, 'Unhandled', c.name);
      assert.match(String(out.ErrorMessage), c.error, c.name);
    }
  });

  test('CreateFunction checks a Code function: allowed directory, runtime, handler, reserved variables, credentials', async () => {
    const base = { Runtime: 'python3', Handler: 'lambda_function.lambda_handler', AccessKeyId: principal.accessKeyId, SecretAccessKey: principal.secretAccessKey };
    await expectAdminError(s.admin('CreateFunction', { Name: 'outside', Code: '/tmp', ...base }), 'InvalidInputException', /COFFER_ROTATION_CODE_DIRS/);
    await expectAdminError(s.admin('CreateFunction', { Name: 'escape', Code: join(CODE, '..', '..'), ...base }), 'InvalidInputException', /COFFER_ROTATION_CODE_DIRS/);
    // a link inside the allowed directory that leads out of it
    const link = join(CODE, `link-out-${process.pid}`);
    symlinkSync(tmpdir(), link);
    try {
      await expectAdminError(s.admin('CreateFunction', { Name: 'linked', Code: link, ...base }), 'InvalidInputException', /COFFER_ROTATION_CODE_DIRS/);
    } finally {
      unlinkSync(link);
    }
    await expectAdminError(s.admin('CreateFunction', { Name: 'missing', Code: join(CODE, 'ruby'), ...base }), 'InvalidInputException', /There is no directory .*ruby on the server host/);
    await expectAdminError(s.admin('CreateFunction', { Name: 'relative', Code: 'python', ...base }), 'InvalidInputException', /absolute path of a directory on the server host/);
    await expectAdminError(s.admin('CreateFunction', { Name: 'ruby', Code: join(CODE, 'python'), ...base, Runtime: 'ruby3.2' }), 'InvalidInputException', /runtime ruby3.2 is not supported/);
    await expectAdminError(s.admin('CreateFunction', { Name: 'nohandler', Code: join(CODE, 'python'), ...base, Handler: undefined }), 'InvalidInputException', /needs a Runtime and a Handler/);
    await expectAdminError(s.admin('CreateFunction', { Name: 'up', Code: join(CODE, 'python'), ...base, Handler: '../../x.handler' }), 'InvalidInputException', /module.function/);
    await expectAdminError(s.admin('CreateFunction', { Name: 'reserved', Code: join(CODE, 'python'), ...base, Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }), 'InvalidInputException', /AWS_REGION is reserved/);
    for (const variable of ['PATH', 'LD_PRELOAD', 'NODE_OPTIONS', 'PYTHONPATH']) {
      await expectAdminError(s.admin('CreateFunction', { Name: 'loader', Code: join(CODE, 'python'), ...base, Environment: { Variables: { [variable]: '/tmp' } } }), 'InvalidInputException', new RegExp(`${variable} would run code from outside the code directory`));
    }
    await expectAdminError(s.admin('CreateFunction', { Name: 'nocreds', Code: join(CODE, 'python'), Runtime: 'python3', Handler: 'lambda_function.lambda_handler' }), 'InvalidInputException', /needs the credentials/);
    await expectAdminError(s.admin('CreateFunction', { Name: 'longtimeout', Code: join(CODE, 'python'), ...base, Timeout: 901 }), 'ValidationException');
    await expectAdminError(s.admin('CreateFunction', { Name: 'urlruntime', Url: 'https://example.com/', Runtime: 'python3' }), 'InvalidInputException', /for a function given by its Code/);
    const names = ((await s.admin('ListFunctions')).Functions as Array<Record<string, unknown>>).map((f) => String(f.Name));
    for (const refused of ['outside', 'escape', 'missing', 'relative', 'ruby', 'nohandler', 'up', 'reserved', 'loader', 'nocreds', 'longtimeout', 'urlruntime']) assert.ok(!names.includes(refused), refused);
  });

  for (const r of [{ runtime: 'python3', handler: 'probe.handler', dir: 'python' }, { runtime: 'nodejs20.x', handler: 'probe.handler', dir: 'nodejs' }]) {
    test(`${r.runtime}: the handler gets Lambda's context, environment and event`, async () => {
      const name = `probe-${r.dir}`;
      await s.admin('CreateFunction', {
        Name: name, Code: join(CODE, r.dir), Runtime: r.runtime, Handler: r.handler, Timeout: 30,
        Environment: { Variables: { MY_SETTING: 'from-the-function', SECRETS_MANAGER_ENDPOINT: 'https://secretsmanager.us-east-1.amazonaws.com' } },
        AccessKeyId: principal.accessKeyId, SecretAccessKey: principal.secretAccessKey,
      });
      const { ARN } = await client.send(new CreateSecretCommand({ Name: uniqueName('probe'), SecretString: 'x' }));
      const token = randomUUID();
      // the probe puts what it saw as a version of the secret, with the credentials and endpoint it was given
      const out = await s.admin('InvokeFunction', { Name: name, SecretId: ARN, Step: 'testSecret', ClientRequestToken: token });
      assert.equal(out.FunctionError, undefined, String(out.ErrorMessage));
      const seen = await value(ARN!, 'PROBE');
      const arn = `arn:aws:lambda:us-east-1:${s.accountId}:function:${name}`;
      assert.deepEqual(seen.event, { SecretId: ARN, ClientRequestToken: token, Step: 'testSecret' });
      assert.equal(seen.functionName, name);
      assert.equal(seen.functionVersion, '$LATEST');
      assert.equal(seen.invokedFunctionArn, arn);
      assert.equal(Number(seen.memoryLimitInMB), 128);
      assert.match(seen.awsRequestId, /^[0-9a-f-]{36}$/);
      assert.equal(seen.logGroupName, `/aws/lambda/${name}`);
      assert.match(seen.logStreamName, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
      assert.ok(seen.remainingMs > 20_000 && seen.remainingMs <= 30_000, `remaining time ${seen.remainingMs}`);
      assert.equal(seen.env.MY_SETTING, 'from-the-function');
      assert.equal(seen.env.SECRETS_MANAGER_ENDPOINT, s.server.endpoint, "Coffer's endpoint wins over the function's");
      assert.equal(seen.env.AWS_ENDPOINT_URL_SECRETS_MANAGER, s.server.endpoint);
      assert.equal(seen.env.AWS_ENDPOINT_URL, s.server.endpoint);
      assert.equal(seen.env.AWS_REGION, 'us-east-1');
      assert.equal(seen.env.AWS_DEFAULT_REGION, 'us-east-1');
      assert.equal(seen.env.AWS_ACCESS_KEY_ID, principal.accessKeyId);
      assert.equal(seen.env.LAMBDA_TASK_ROOT, join(CODE, r.dir));
      assert.equal(seen.env._HANDLER, r.handler);
      const trail = JSON.stringify((await s.admin('LookupEvents', { EventName: 'CreateFunction' })).Events);
      assert.ok(trail.includes(name), 'CreateFunction is audited');
      assert.ok(!trail.includes('from-the-function') && !trail.includes(principal.secretAccessKey), 'neither the variables nor the secret key are in the audit trail');
    });
  }
});
