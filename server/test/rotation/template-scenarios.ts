// The rotation scenarios every runnable built-in template goes through against a real database server
// that checks passwords: two rotations in a row proven with real logins, the clone's grants (MultiUser),
// AWSPREVIOUS, recovery through AWSPREVIOUS (SingleUser), and a failure injected at each step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { TEMPLATES } from '../../src/rotation/functions/templates/index.ts';
import type { SecretsApi } from '../../src/rotation/functions/templates/secrets-api.ts';
import { STEPS, type Step } from '../../src/rotation/functions/types.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { followClock } from './http-function.ts';
import { rawRequest } from '../api/helpers.ts';
import { createTestDatabase } from '../support/postgres.ts';

/** A database server the scenarios rotate users on, through an administrator session of the test's own. */
export interface DbTarget {
  engine: string;
  host: string;
  port: number;
  dbname?: string;
  /** the master user MultiUser logs in with (it creates the clone) */
  master: { username: string; password: string };
  /** creates a login user with a password and some privileges */
  createUser(username: string, password: string): Promise<void>;
  canLogin(username: string, password: string): Promise<boolean>;
  /** what the user may do, in a form where a clone's list equals its original's */
  grants(username: string): Promise<string[]>;
  setPassword(username: string, password: string): Promise<void>;
}

const EXCLUDED = /[/@"'\\]/;
export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(3).toString('hex')}`;
export const strongPassword = () => `Pw-${randomBytes(12).toString('base64url')}`;

/**
 * Coffer for a scenario file, on a fake clock, with its error log kept: started before the tests (on its own
 * PostgreSQL database when `storage` says so), then handed to `ready`; stopped and dropped after them.
 */
export function scenarioServer(
  opts: { skip?: string; storage?: 'postgres'; maxAttempts: number; now: () => number; logs: string[] },
  ready: (server: TestServer) => Promise<void>,
): void {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let server: TestServer | undefined;
  // node:test may run the after hooks while this one still runs (when an earlier before hook failed):
  // after waits for it, so no server is left listening
  let started: Promise<void> | undefined;
  before(async () => {
    if (opts.skip) return;
    started = (async () => {
      if (opts.storage === 'postgres') database = await createTestDatabase();
      server = await startTestServer({
        ...(database ? { databaseUrl: database.url } : {}),
        now: opts.now,
        rotation: { backoffMs: 1000, maxAttempts: opts.maxAttempts },
        logger: { error: (msg, fields) => opts.logs.push(JSON.stringify({ msg, ...fields })) },
      });
      await ready(server);
    })();
    await started;
  });
  after(async () => {
    await started?.catch(() => {});
    await server?.close();
    await database?.drop();
  });
}

/** A database's scenarios: the templates' names, the server, and where Coffer keeps its own store. */
export interface ScenarioOptions {
  label: string;
  skip?: string;
  template: (strategy: 'Single' | 'Multi') => string;
  target: () => DbTarget;
  /** Coffer's own store: SQLite by default, or a fresh PostgreSQL database */
  storage?: 'postgres';
}

export function templateScenarios(opts: ScenarioOptions): void {
  const { label, skip } = opts;
  let clock = Date.now();
  let server: TestServer;
  let client: SecretsManagerClient;
  const fnArn: Record<'Single' | 'Multi', string> = { Single: '', Multi: '' };
  const logs: string[] = [];

  scenarioServer({ ...opts, maxAttempts: 3, now: () => clock, logs }, async (started) => {
    server = started;
    client = followClock(server.client(), () => clock);
    const scope = { accountId: server.app.accountId, region: server.region };
    // SingleUser registered from server-side code by its name; MultiUser as an operator would register it, through
    // the admin API (`coffer functions create --template`) with the serverless-repository ARN the spec gives
    fnArn.Single = (await server.app.rotation.functions.create(scope, { name: `${label}-Single`, template: opts.template('Single') })).FunctionArn;
    const created = await rawRequest(server.endpoint, JSON.stringify({ Name: `${label}-Multi`, Template: `arn:aws:serverlessrepo:us-east-1:297356227824:applications/${opts.template('Multi')}` }), {
      credentials: server.credentials,
      target: 'CofferAdmin.CreateFunction',
      service: 'coffer',
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    fnArn.Multi = String((created.json?.Function as { FunctionArn?: string } | undefined)?.FunctionArn);
  });

  const value = async (arn: string, stage = 'AWSCURRENT') => JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))).SecretString!);
  async function newSecret(fields: Record<string, unknown>): Promise<string> {
    const t = opts.target();
    const base = { engine: t.engine, host: t.host, port: t.port, ...(t.dbname ? { dbname: t.dbname } : {}) };
    return (await client.send(new CreateSecretCommand({ Name: uniqueName(label), SecretString: JSON.stringify({ ...base, ...fields }) }))).ARN!;
  }
  async function masterArn(): Promise<string> {
    return newSecret({ ...opts.target().master });
  }
  async function rotate(arn: string, s: 'Single' | 'Multi') {
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn[s], RotationRules: { AutomaticallyAfterDays: 30 } }));
    await server.app.rotation.settled();
    return server.app.rotation.status(arn);
  }
  async function retryDue() {
    clock += 60_000;
    await server.app.rotation.tick();
    await server.app.rotation.settled();
  }
  const loginWorks = (v: { username: string; password: string }) => opts.target().canLogin(v.username, v.password);

  test(`${label} SingleUser: two rotations; the new password logs in, the replaced one no longer does, AWSPREVIOUS holds it`, { skip }, async () => {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const arn = await newSecret({ username: user, password: first });
    for (let round = 1; round <= 2; round++) {
      const old = await value(arn);
      assert.equal((await rotate(arn, 'Single'))?.Status, 'succeeded', `round ${round}`);
      const now = await value(arn);
      assert.equal(now.username, user);
      assert.notEqual(now.password, old.password);
      assert.doesNotMatch(now.password, EXCLUDED, 'the excluded characters are not in the password');
      assert.equal(await loginWorks(now), true, `round ${round}: the new password logs in`);
      assert.equal(await loginWorks(old), false, `round ${round}: the replaced password no longer logs in`);
      assert.deepEqual(await value(arn, 'AWSPREVIOUS'), old);
    }
    assert.ok(!logs.some((l) => l.includes(first)), 'no password in the server log');
  });

  test(`${label} SingleUser: when AWSCURRENT no longer logs in, setSecret recovers with AWSPREVIOUS`, { skip }, async () => {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const arn = await newSecret({ username: user, password: first });
    assert.equal((await rotate(arn, 'Single'))?.Status, 'succeeded');
    await t.setPassword(user, first); // the database is back on AWSPREVIOUS's password
    assert.equal((await rotate(arn, 'Single'))?.Status, 'succeeded');
    const now = await value(arn);
    assert.equal(await loginWorks(now), true);
    assert.equal(await loginWorks({ username: user, password: first }), false);
  });

  test(`${label} MultiUser: two rotations alternate between the user and its clone, which has the same grants`, { skip }, async () => {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const arn = await newSecret({ username: user, password: first, masterarn: await masterArn() });

    assert.equal((await rotate(arn, 'Multi'))?.Status, 'succeeded');
    const one = await value(arn);
    assert.equal(one.username, `${user}_clone`);
    assert.doesNotMatch(one.password, EXCLUDED);
    assert.equal(await loginWorks(one), true, 'the clone logs in with the new password');
    const grants = await t.grants(user);
    assert.ok(grants.length > 0, 'the original user has grants to compare');
    assert.deepEqual(await t.grants(one.username), grants, 'the clone has the same grants');
    const previous = await value(arn, 'AWSPREVIOUS');
    assert.deepEqual([previous.username, previous.password], [user, first]);
    assert.equal(await loginWorks(previous), true, 'AWSPREVIOUS still logs in: clients holding it keep working');

    assert.equal((await rotate(arn, 'Multi'))?.Status, 'succeeded');
    const two = await value(arn);
    assert.equal(two.username, user);
    assert.equal(await loginWorks(two), true, 'the original user logs in with its new password');
    assert.equal(await loginWorks({ username: user, password: first }), false, 'its replaced password no longer does');
    assert.deepEqual(await value(arn, 'AWSPREVIOUS'), one);
    assert.equal(await loginWorks(one), true, 'the clone (now AWSPREVIOUS) still logs in');
    assert.deepEqual(await t.grants(two.username), grants, 'the original keeps its grants');
  });

  for (const s of ['Single', 'Multi'] as const) {
    for (const step of STEPS) {
      test(`${label} ${s}User: a failure in ${step} leaves AWSCURRENT working, keeps the password out of the error, and the retry finishes`, { skip }, async () => {
        const t = opts.target();
        const user = uniqueName('app');
        const first = strongPassword();
        await t.createUser(user, first);
        const arn = await newSecret({ username: user, password: first, ...(s === 'Multi' ? { masterarn: await masterArn() } : {}) });
        const restore = injectFailure(step, opts.template(s));
        try {
          const status = await rotate(arn, s);
          assert.equal(status?.Status, 'retrying');
          assert.match(status!.LastError!, new RegExp(`^${step}: .*injected`));
          const pending = await value(arn, 'AWSPENDING').catch(() => undefined);
          for (const p of [first, pending?.password]) if (p) assert.ok(!status!.LastError!.includes(p), 'no password in the recorded error');
          const current = await value(arn);
          assert.equal(current.password, first, 'AWSCURRENT did not move');
          if (s === 'Single' && (step === 'testSecret' || step === 'finishSecret')) {
            // One user, one password: once setSecret changed it, only AWSPENDING logs in until finishSecret
            // moves AWSCURRENT (AWS's single-user strategy has the same window; MultiUser has none).
            assert.equal(await loginWorks(pending), true, 'the database has the pending password');
          } else {
            assert.equal(await loginWorks(current), true, 'clients using AWSCURRENT still log in');
          }
        } finally {
          restore();
        }
        await retryDue();
        assert.equal((await server.app.rotation.status(arn))?.Status, 'succeeded');
        const now = await value(arn);
        assert.notEqual(now.password, first);
        assert.equal(await loginWorks(now), true, 'after the retry AWSCURRENT logs in');
      });
    }
  }

  test(`${label} SingleUser: RotateImmediately=false runs testSecret only: it logs in with a copy of AWSCURRENT and changes nothing`, { skip }, async () => {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const arn = await newSecret({ username: user, password: first });
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn.Single, RotateImmediately: false, RotationRules: { AutomaticallyAfterDays: 30 } }));
    await server.app.rotation.settled();
    assert.equal((await server.app.rotation.status(arn))?.Status, 'succeeded');
    assert.equal((await value(arn)).password, first);
    assert.equal(await loginWorks({ username: user, password: first }), true);
    const stages = Object.values((await client.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages!).flat();
    assert.ok(!stages.includes('AWSPENDING'), 'the test leaves no AWSPENDING behind');
  });

  test(`${label}: "ssl": true is never downgraded: against a server without TLS the rotation fails and AWSCURRENT still works`, { skip }, async () => {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const arn = await newSecret({ username: user, password: first, ssl: true });
    const status = await rotate(arn, 'Single');
    assert.equal(status?.Status, 'retrying');
    assert.match(status!.LastError!, /^setSecret: Unable to log into database/);
    assert.equal((await value(arn)).password, first);
    assert.equal(await loginWorks({ username: user, password: first }), true);
  });

  /**
   * Makes the template fail once at `step`, from inside (through the Secrets Manager calls it makes), with
   * an error that quotes the secret value, as a careless driver might. Returns the undo.
   */
  function injectFailure(step: Step, template: string): () => void {
    const functions = server.app.rotation.functions;
    const original = functions.invoker;
    let failed = false;
    const fail = (what: string) => {
      failed = true;
      throw new Error(`injected: ${what}`);
    };
    const sdkApi = (current: Step): SecretsApi => ({
      describeSecret: (i) => client.send(new DescribeSecretCommand(i)),
      getRandomPassword: (i) => client.send(new GetRandomPasswordCommand(i)),
      getSecretValue: async (i) => {
        const out = await client.send(new GetSecretValueCommand(i));
        if (!failed && current === step && (step === 'setSecret' || step === 'testSecret') && i.VersionStage === 'AWSPENDING') fail(`GetSecretValue ${out.SecretString}`);
        return out;
      },
      putSecretValue: (i) => (!failed && step === 'createSecret' ? fail(`PutSecretValue ${i.SecretString}`) : client.send(new PutSecretValueCommand(i))),
      updateSecretVersionStage: (i) => (!failed && step === 'finishSecret' ? fail(`UpdateSecretVersionStage ${i.MoveToVersionId}`) : client.send(new UpdateSecretVersionStageCommand(i))),
    });
    functions.invoker = async () => (event) => TEMPLATES[template](sdkApi(event.Step), { error: () => {} })(event);
    return () => {
      functions.invoker = original;
    };
  }
}
