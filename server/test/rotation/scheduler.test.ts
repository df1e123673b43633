// The rotation scheduler with the controllable clock: schedules fire inside their window only, once; a window
// that passed with no server running is skipped; a rotation interrupted by a stopped server is resumed by
// another at the step it reached, with the same token; and two servers sharing one PostgreSQL start each due
// rotation exactly once (the `rotation-scheduler` lease, and one claim per run). Servers that share storage
// share a data directory (root key and admin credential) and, for PostgreSQL, a database.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BACKENDS } from '../access/helpers.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { followClock, startTestFunction, type TestFunction } from './http-function.ts';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/rotation/index.ts';

const MINUTE = 60_000;

/** Servers on one storage (SQLite file or PostgreSQL database), one clock, one test function. */
async function storage(backend: 'sqlite' | 'postgres') {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-sched-'));
  const database = backend === 'postgres' ? await createTestDatabase() : undefined;
  const servers: TestServer[] = [];
  const state = { clock: Date.parse('2024-03-04T09:00:00Z') };
  const now = () => state.clock;
  let current: SecretsManagerClient | undefined;
  // The function calls whichever server is "up" (a stopped server's cache must not answer for the new one).
  const viaCurrent = { send: (command: unknown) => current!.send(command as never) } as unknown as SecretsManagerClient;
  const fn: TestFunction = await startTestFunction(viaCurrent, 'initial-password', now);
  const start = async () => {
    const server = await startTestServer({ dataDir, databaseUrl: database?.url, now, rotation: { backoffMs: MINUTE }, logger: { error: () => {} } });
    servers.push(server);
    return server;
  };
  const first = await start();
  const client = (server: TestServer) => followClock(server.client(), now);
  current = client(first);
  const created = await first.app.rotation.functions.create({ accountId: first.app.accountId, region: first.region }, { name: 'rotator', url: fn.url });
  fn.setSigningKey(created.SigningKey!);
  return {
    state,
    fn,
    fnArn: created.FunctionArn,
    first,
    start,
    client,
    /** the server the function calls back */
    use(server: TestServer) {
      current = client(server);
    },
    async newSecret(via: SecretsManagerClient): Promise<string> {
      const out = await via.send(new CreateSecretCommand({ Name: `sched-${randomUUID()}`, SecretString: JSON.stringify({ username: 'app', password: fn.database.password }) }));
      return out.ARN!;
    },
    /** the steps the function received for a secret, as "token step" */
    stepsOf: (arn: string) => fn.events.filter((e) => e.SecretId === arn).map((e) => `${e.ClientRequestToken} ${e.Step}`),
    async close() {
      await fn.close();
      for (const s of servers) await s.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

for (const { name: backend, skip } of BACKENDS) {
  describe(`rotation scheduler (${backend})`, { skip }, () => {
    let env: Awaited<ReturnType<typeof storage>>;
    before(async () => {
      env = await storage(backend);
    });
    after(async () => {
      await env?.close();
    });

    test('schedules fire inside their window only, once: AutomaticallyAfterDays, cron with Duration; a missed window is skipped', async () => {
      const { state, first: server, fnArn } = env;
      const client = env.client(server);
      const rotations = (arn: string) => env.stepsOf(arn).filter((s) => s.endsWith(' createSecret')).length;
      const describeSecret = (arn: string) => client.send(new DescribeSecretCommand({ SecretId: arn }));
      const tickAt = async (iso: string) => {
        state.clock = Date.parse(iso);
        await server.app.rotation.tick();
      };

      // Monday 2024-03-04 09:00. Configured without rotating now: only testSecret runs.
      const daily = await env.newSecret(client);
      await client.send(new RotateSecretCommand({ SecretId: daily, RotationLambdaARN: fnArn, RotateImmediately: false, RotationRules: { AutomaticallyAfterDays: 2 } }));
      const weekly = await env.newSecret(client);
      // Wednesdays (day 4) at 16:00 UTC, a two-hour window
      await client.send(new RotateSecretCommand({ SecretId: weekly, RotationLambdaARN: fnArn, RotateImmediately: false, RotationRules: { ScheduleExpression: 'cron(0 16 ? * 4 *)', Duration: '2h' } }));
      await server.app.rotation.settled();
      assert.deepEqual(env.stepsOf(daily).map((s) => s.split(' ')[1]), ['testSecret']);
      assert.equal((await describeSecret(daily)).NextRotationDate?.toISOString(), '2024-03-06T23:59:59.000Z');
      assert.equal((await describeSecret(weekly)).NextRotationDate?.toISOString(), '2024-03-06T17:59:59.000Z');

      await tickAt('2024-03-05T23:59:00Z');
      assert.equal(rotations(daily), 0, 'not due before its window');
      await tickAt('2024-03-06T00:30:00Z');
      assert.equal(rotations(daily), 1, 'due: the window (the whole UTC day) has begun');
      assert.equal(rotations(weekly), 0, 'the cron window starts at 16:00');
      const d = await describeSecret(daily);
      assert.equal(d.LastRotatedDate?.toISOString(), '2024-03-06T00:30:00.000Z');
      assert.equal(d.NextRotationDate?.toISOString(), '2024-03-08T23:59:59.000Z');
      const token = env.stepsOf(daily).at(-1)!.split(' ')[0];
      assert.deepEqual(env.stepsOf(daily).slice(1), ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((s) => `${token} ${s}`));
      assert.equal((await client.send(new GetSecretValueCommand({ SecretId: daily }))).VersionId, token);

      await tickAt('2024-03-06T15:59:00Z');
      assert.equal(rotations(weekly), 0);
      await tickAt('2024-03-06T16:30:00Z');
      assert.equal(rotations(weekly), 1, 'inside the cron window');
      await tickAt('2024-03-06T17:45:00Z');
      assert.equal(rotations(weekly), 1, 'once per window');
      assert.equal(rotations(daily), 1);
      assert.equal((await describeSecret(weekly)).NextRotationDate?.toISOString(), '2024-03-13T17:59:59.000Z');

      // No server ran during the next Wednesday's window: it is skipped, not run late.
      await tickAt('2024-03-13T18:30:00Z');
      assert.equal(rotations(weekly), 1, 'a missed window does not run late');
      assert.equal((await describeSecret(weekly)).NextRotationDate?.toISOString(), '2024-03-20T17:59:59.000Z');
      // The daily secret's window (03-08) passed too; its next one starts two days after its last rotation's.
      assert.equal(rotations(daily), 1);
      await tickAt('2024-03-20T16:10:00Z');
      assert.equal(rotations(weekly), 2);
    });

    test('a secret purged after its recovery window takes its rotation with it; while scheduled for deletion it does not rotate', async () => {
      const { state, first: server, fnArn } = env;
      const client = env.client(server);
      env.use(server);
      const arn = await env.newSecret(client);
      await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 1 } }));
      await server.app.rotation.settled();
      const rotations = () => env.stepsOf(arn).filter((s) => s.endsWith(' createSecret')).length;
      assert.equal(rotations(), 1);
      const rows = async () => (await server.app.store.db.selectFrom('secret_rotations').select('secret_id').execute()).length;
      const before = await rows();
      await client.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
      state.clock += 2 * 86_400_000; // the next window, the secret scheduled for deletion
      await server.app.rotation.tick();
      assert.equal(rotations(), 1, 'a secret scheduled for deletion is not rotated');
      assert.equal(await rows(), before, 'its configuration stays while it can be restored');
      state.clock += 6 * 86_400_000;
      assert.equal(await server.app.secrets.purgeExpired(), 1);
      await server.app.rotation.tick();
      assert.equal(await rows(), before - 1, 'purged: the rotation row is gone');
    });

    test('a server stopped mid-rotation: another resumes at the step reached, with the same token, once the claim runs out', async () => {
      const { state, fn, fnArn } = env;
      const a = env.first;
      const clientA = env.client(a);
      env.use(a);
      const arn = await env.newSecret(clientA);
      const before = await clientA.send(new GetSecretValueCommand({ SecretId: arn }));
      const held = fn.holdAt('setSecret');
      const token = randomUUID();
      await clientA.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token, RotationLambdaARN: fnArn }));
      await held.reached;
      // Server A "stops" here, inside setSecret (it is never ticked again); server B starts on the same storage.
      const b = await env.start();
      env.use(b);
      const clientB = env.client(b);
      await b.app.rotation.tick();
      assert.deepEqual(env.stepsOf(arn), [`${token} createSecret`, `${token} setSecret`], 'the run is still claimed by A: B waits');

      state.clock += DEFAULT_ENGINE_OPTIONS.claimMs + 1000;
      await b.app.rotation.tick();
      assert.deepEqual(
        env.stepsOf(arn),
        [`${token} createSecret`, `${token} setSecret`, `${token} setSecret`, `${token} testSecret`, `${token} finishSecret`],
        'B resumed at setSecret with the same token (no new createSecret)',
      );
      const now = await clientB.send(new GetSecretValueCommand({ SecretId: arn }));
      assert.equal(now.VersionId, token);
      assert.notEqual(now.SecretString, before.SecretString);
      assert.equal(JSON.parse(now.SecretString!).password, fn.database.password);

      // A's step answers at last; A sees the run is no longer its own and does nothing more.
      held.release();
      await a.app.rotation.settled();
      assert.equal(env.stepsOf(arn).length, 5);
      assert.equal((await b.app.rotation.status(arn))?.Status, 'succeeded');
      assert.equal((await clientB.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId, token);
    });
  });
}

const postgres = BACKENDS.find((b) => b.name === 'postgres')!;

describe('two servers sharing one PostgreSQL', { skip: postgres.skip }, () => {
  test('each due rotation starts exactly once, whichever server ticks', async () => {
    const env = await storage('postgres');
    try {
      const a = env.first;
      const b = await env.start();
      const [clientA, clientB] = [env.client(a), env.client(b)];
      const arns: string[] = [];
      for (let i = 0; i < 6; i++) {
        const arn = await env.newSecret(i % 2 ? clientA : clientB);
        await (i % 2 ? clientB : clientA).send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: env.fnArn, RotateImmediately: false, RotationRules: { AutomaticallyAfterDays: 1 } }));
        arns.push(arn);
      }
      await Promise.all([a.app.rotation.settled(), b.app.rotation.settled()]);
      env.state.clock = Date.parse('2024-03-05T00:10:00Z');
      // Both servers sweep at the same moment; the runs wait in createSecret while both sweep again (the runs
      // in flight are claimed by the server working on them: the other must leave them alone).
      const gate = env.fn.hold();
      const sweeps = [a.app.rotation.tick(), b.app.rotation.tick()];
      const created = () => env.fn.events.filter((e) => e.Step === 'createSecret').length;
      for (let i = 0; i < 200 && created() < arns.length; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(created(), arns.length, 'every due rotation started');
      sweeps.push(a.app.rotation.tick(), b.app.rotation.tick(), a.app.rotation.tick(), b.app.rotation.tick());
      await new Promise((r) => setTimeout(r, 300));
      gate.release();
      await Promise.all(sweeps);
      await Promise.all([a.app.rotation.settled(), b.app.rotation.settled()]);
      for (const arn of arns) {
        const steps = env.stepsOf(arn).slice(1); // after the configuration's testSecret
        const tokens = new Set(steps.map((s) => s.split(' ')[0]));
        assert.equal(tokens.size, 1, `one rotation of ${arn}: ${steps.join(', ')}`);
        const [token] = tokens;
        assert.deepEqual(steps, ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((s) => `${token} ${s}`), 'each step once');
        assert.equal((await clientA.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId, token);
      }
      const leases = await a.app.store.db.selectFrom('leases').selectAll().where('name', '=', 'rotation-scheduler').execute();
      assert.equal(leases.length, 1, 'one lease row');
      // Later sweeps in the same window start nothing more.
      const count = env.fn.events.length;
      env.state.clock += 30 * MINUTE;
      await Promise.all([a.app.rotation.tick(), b.app.rotation.tick()]);
      assert.equal(env.fn.events.length, count);
    } finally {
      await env.close();
    }
  });
});
