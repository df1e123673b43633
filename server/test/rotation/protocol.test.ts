// RotateSecret / CancelRotateSecret and the protocol between Coffer and a rotation function, through the
// official SDK, with an HTTP function run in-test (http-function.ts) and a controllable clock, on both storage
// backends (PostgreSQL skipped with the reason when unreachable, required under CI).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { BACKENDS } from '../access/helpers.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { followClock, startTestFunction, type TestFunction } from './http-function.ts';

for (const { name: backend, skip } of BACKENDS) {
  describe(`rotation protocol (${backend})`, { skip }, () => {
    const DAY = 86_400_000;
    let clock = Date.parse('2024-03-10T09:00:00Z');
    let server: TestServer;
    let client: SecretsManagerClient;
    let fn: TestFunction;
    let fnArn: string;
    const logs: string[] = [];

    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;

    before(async () => {
      database = backend === 'postgres' ? await createTestDatabase() : undefined;
      server = await startTestServer({ databaseUrl: database?.url, now: () => clock, rotation: { backoffMs: 1000, maxAttempts: 3 }, logger: { error: (msg, fields) => logs.push(JSON.stringify({ msg, ...fields })) } });
      client = followClock(server.client(), () => clock);
      fn = await startTestFunction(client, 'initial-password', () => clock);
      const created = await server.app.rotation.functions.create({ accountId: server.app.accountId, region: server.region }, { name: 'test-rotator', url: fn.url });
      fnArn = created.FunctionArn;
      fn.setSigningKey(created.SigningKey!);
    });
    after(async () => {
      await fn?.close();
      await server?.close();
      await database?.drop();
    });

    async function newSecret(): Promise<string> {
      const out = await client.send(new CreateSecretCommand({ Name: `app-${randomUUID()}`, SecretString: JSON.stringify({ username: 'app', password: fn.database.password }) }));
      return out.ARN!;
    }
    const value = async (arn: string, stage = 'AWSCURRENT') => JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString!);
    const describe = (arn: string) => client.send(new DescribeSecretCommand({ SecretId: arn }));
    async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp) {
      await assert.rejects(p, (err: Error) => {
        assert.equal(err.name, name);
        if (message !== undefined) typeof message === 'string' ? assert.equal(err.message, message) : assert.match(err.message, message);
        return true;
      });
    }

    test('a rotation: placeholder first, the four steps in order, AWSCURRENT moved, AWSPENDING removed, dates shown', async () => {
      const arn = await newSecret();
      const old = await value(arn);
      const gate = fn.hold();
      fn.events.length = 0;
      const token = randomUUID();
      const out = await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 30 } }));
      assert.equal(out.VersionId, token);
      // Before createSecret has put a value: the placeholder is listed, holds no value, AWSCURRENT is untouched.
      const during = await describe(arn);
      assert.deepEqual(during.VersionIdsToStages![token], ['AWSPENDING']);
      await rejects(client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' })), 'ResourceNotFoundException');
      assert.deepEqual(await value(arn), old);
      await rejects(client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: randomUUID() })), 'InvalidRequestException', "A previous rotation isn't complete. That rotation will be reattempted.");
      gate.release();
      await server.app.rotation.settled();

      assert.deepEqual(fn.events.map((e) => e.Step), ['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
      assert.ok(fn.events.every((e) => e.SecretId === arn && e.ClientRequestToken === token));
      const now = await value(arn);
      assert.notEqual(now.password, old.password);
      assert.equal(now.password, fn.database.password);
      assert.deepEqual(await value(arn, 'AWSPREVIOUS'), old);
      const d = await describe(arn);
      assert.deepEqual(d.VersionIdsToStages![token], ['AWSCURRENT']);
      assert.equal(d.RotationEnabled, true);
      assert.equal(d.RotationLambdaARN, fnArn);
      assert.deepEqual(d.RotationRules, { AutomaticallyAfterDays: 30 });
      assert.equal(d.LastRotatedDate?.getTime(), clock);
      assert.equal(d.NextRotationDate?.toISOString(), '2024-04-09T23:59:59.000Z');
    });

    test('refusals: no function ARN, a function that is not registered (nothing saved), both schedules', async () => {
      const arn = await newSecret();
      await rejects(client.send(new RotateSecretCommand({ SecretId: arn })), 'InvalidRequestException', 'No Lambda rotation function ARN is associated with this secret.');
      await rejects(
        client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: `arn:aws:lambda:us-east-1:${server.app.accountId}:function:nope` })),
        'AccessDeniedException',
        /cannot invoke the specified Lambda function/,
      );
      const d = await describe(arn);
      assert.equal(d.RotationEnabled, undefined);
      assert.equal(Object.keys(d.VersionIdsToStages!).length, 1);
      await rejects(
        client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 2, ScheduleExpression: 'rate(2 days)' } })),
        'InvalidParameterException',
      );
      await rejects(client.send(new RotateSecretCommand({ SecretId: 'no-such-secret', RotationLambdaARN: fnArn })), 'ResourceNotFoundException');
      await rejects(
        client.send(new RotateSecretCommand({ SecretId: arn, ExternalSecretRotationMetadata: [{ Key: 'k', Value: 'v' }], ExternalSecretRotationRoleArn: 'arn:aws:iam::123456789012:role/r' })),
        'NotImplementedException',
        /managed external secrets/,
      );
      assert.equal((await describe(arn)).RotationEnabled, undefined, 'nothing saved');
    });

    test('a failing step: retried with backoff, AWSCURRENT untouched, AWSPENDING kept, error recorded without the password; same token resumes', async () => {
      const arn = await newSecret();
      const old = await value(arn);
      fn.failAt('setSecret', 10);
      const token = randomUUID();
      await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token, RotationLambdaARN: fnArn }));
      await server.app.rotation.settled();
      let status = await server.app.rotation.status(arn);
      assert.equal(status?.Status, 'retrying');
      assert.equal(status?.NextStep, 'setSecret');
      assert.match(status!.LastError!, /^setSecret: .*HTTP 500/);
      assert.ok(!status!.LastError!.includes(fn.database.password), 'the password is scrubbed');
      assert.ok(logs.some((l) => l.includes('rotation step failed')), 'the failure is logged');
      assert.ok(!logs.some((l) => l.includes(fn.database.password)), 'the log has no password');
      for (let i = 0; i < 3; i++) {
        clock += 60_000;
        await server.app.rotation.tick();
      }
      status = await server.app.rotation.status(arn);
      assert.equal(status?.Status, 'failed');
      assert.equal(status?.Attempts, 3);
      assert.deepEqual(await value(arn), old);
      assert.deepEqual((await describe(arn)).VersionIdsToStages![token], ['AWSPENDING']);
      await rejects(client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: randomUUID() })), 'InvalidRequestException', /previous rotation isn't complete/);

      fn.failAt('setSecret', 0);
      fn.events.length = 0;
      await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token }));
      await server.app.rotation.settled();
      assert.deepEqual(fn.events.map((e) => e.Step), ['setSecret', 'testSecret', 'finishSecret'], 'resumes at the step it reached');
      assert.equal((await value(arn)).password, fn.database.password);
      assert.equal((await server.app.rotation.status(arn))?.Status, 'succeeded');
    });

    test('failures injected at each step leave clients a working AWSCURRENT', async () => {
      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
        const arn = await newSecret();
        fn.failAt(step, 100);
        await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn }));
        await server.app.rotation.settled();
        for (let i = 0; i < 3; i++) {
          clock += 60_000;
          await server.app.rotation.tick();
        }
        assert.equal((await server.app.rotation.status(arn))?.Status, 'failed', step);
        // The database's password is AWSCURRENT's, except after setSecret succeeded, where AWSPREVIOUS-style
        // recovery (the functions log in with AWSPENDING) applies: the pending value is what the database has.
        const current = await value(arn);
        const pending = step === 'createSecret' ? undefined : JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPENDING' }))).SecretString!);
        assert.ok([current.password, pending?.password].includes(fn.database.password), step);
        if (step === 'createSecret' || step === 'setSecret') assert.equal(current.password, fn.database.password, step);
        fn.failAt(step, 0);
        fn.database.password = current.password; // the next secret starts from a database in step
      }
    });

    test('RotateImmediately=false stores the configuration and runs only testSecret', async () => {
      const arn = await newSecret();
      const old = await value(arn);
      fn.events.length = 0;
      await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotateImmediately: false, RotationRules: { ScheduleExpression: 'cron(0 16 ? * SUN *)', Duration: '2h' } }));
      await server.app.rotation.settled();
      assert.deepEqual(fn.events.map((e) => e.Step), ['testSecret']);
      assert.deepEqual(await value(arn), old);
      const d = await describe(arn);
      assert.equal(d.RotationEnabled, true);
      assert.ok(!Object.values(d.VersionIdsToStages!).some((s) => s.includes('AWSPENDING')));
      assert.equal(d.LastRotatedDate, undefined);
      assert.equal(d.NextRotationDate?.toISOString(), '2024-03-10T17:59:59.000Z');
    });

    test('CancelRotateSecret turns rotation off and keeps the function and rules', async () => {
      const arn = await newSecret();
      await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 7 } }));
      await server.app.rotation.settled();
      const out = await client.send(new CancelRotateSecretCommand({ SecretId: arn }));
      assert.equal(out.ARN, arn);
      const d = await describe(arn);
      assert.equal(d.RotationEnabled, false);
      assert.equal(d.RotationLambdaARN, fnArn);
      assert.deepEqual(d.RotationRules, { AutomaticallyAfterDays: 7 });
      assert.equal(d.NextRotationDate, undefined);
      // A later RotateSecret without an ARN uses the stored one.
      await client.send(new RotateSecretCommand({ SecretId: arn }));
      await server.app.rotation.settled();
      assert.equal((await describe(arn)).RotationEnabled, true);
    });

    test('AWSPENDING left on the AWSCURRENT version means the last rotation finished: a new one may start', async () => {
      const arn = await newSecret();
      const d = await describe(arn);
      const current = Object.keys(d.VersionIdsToStages!)[0];
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSPENDING', MoveToVersionId: current }));
      await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn }));
      await server.app.rotation.settled();
      assert.equal((await server.app.rotation.status(arn))?.Status, 'succeeded');
    });

    test('the schedule: a due window starts one rotation; a missed window is skipped', async () => {
      const arn = await newSecret();
      await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotationRules: { ScheduleExpression: 'rate(1 days)' } }));
      await server.app.rotation.settled();
      const first = await value(arn);
      await server.app.rotation.tick();
      assert.deepEqual(await value(arn), first, 'not due yet');
      const next = (await describe(arn)).NextRotationDate!.getTime();
      clock = next - DAY + 2000 + 3_600_000; // inside the next day's window
      await server.app.rotation.tick();
      const second = await value(arn);
      assert.notEqual(second.password, first.password);
      assert.equal((await describe(arn)).LastRotatedDate?.getTime(), clock);
      await server.app.rotation.tick();
      assert.deepEqual(await value(arn), second, 'once per window');
      clock += 3 * DAY; // windows passed with no tick: none runs late
      await server.app.rotation.tick();
      assert.deepEqual(await value(arn), second);
      assert.ok((await describe(arn)).NextRotationDate!.getTime() > clock);
    });
  });
}
