// Drift checks and rollback of the built-in templates against a real database server that checks passwords:
// a password changed behind Coffer's back is found by the next check (and, if asked, rotated away), and a
// rollback puts AWSPREVIOUS back in AWSCURRENT with the database made to match, or is refused with nothing
// changed when the previous credentials cannot log in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSecretCommand, GetSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TestServer } from '../support/test-server.ts';
import { rawRequest } from '../api/helpers.ts';
import { followClock } from './http-function.ts';
import { scenarioServer, strongPassword, uniqueName, type ScenarioOptions } from './template-scenarios.ts';

export function driftRollbackScenarios(opts: ScenarioOptions): void {
  const { label, skip } = opts;
  let clock = Date.now();
  let server: TestServer;
  let client: SecretsManagerClient;
  const fnArn: Record<'Single' | 'Multi', string> = { Single: '', Multi: '' };
  const logs: string[] = [];

  scenarioServer({ ...opts, maxAttempts: 2, now: () => clock, logs }, async (started) => {
    server = started;
    client = followClock(server.client(), () => clock);
    const scope = { accountId: server.app.accountId, region: server.region };
    for (const s of ['Single', 'Multi'] as const) {
      fnArn[s] = (await server.app.rotation.functions.create(scope, { name: `${label}-drift-${s}`, template: opts.template(s) })).FunctionArn;
    }
  });

  async function admin(operation: string, input: Record<string, unknown>) {
    const res = await rawRequest(server.endpoint, JSON.stringify(input), {
      credentials: server.credentials,
      target: `CofferAdmin.${operation}`,
      service: 'coffer',
      signingDate: new Date(clock),
    });
    return { status: res.status, json: (res.json ?? {}) as Record<string, unknown> };
  }
  async function adminOk(operation: string, input: Record<string, unknown>) {
    const res = await admin(operation, input);
    assert.equal(res.status, 200, `${operation}: ${JSON.stringify(res.json)}`);
    return res.json;
  }
  const value = async (arn: string, stage = 'AWSCURRENT') => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
    return { versionId: out.VersionId!, ...(JSON.parse(out.SecretString!) as { username: string; password: string }) };
  };
  const loginWorks = (v: { username: string; password: string }) => opts.target().canLogin(v.username, v.password);

  /** A user and its secret, rotated once by the template: AWSCURRENT and AWSPREVIOUS both exist. */
  async function rotatedSecret(s: 'Single' | 'Multi') {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const fields: Record<string, unknown> = { engine: t.engine, host: t.host, port: t.port, ...(t.dbname ? { dbname: t.dbname } : {}), username: user, password: first };
    if (s === 'Multi') {
      const master = { ...fields, ...t.master };
      fields.masterarn = (await client.send(new CreateSecretCommand({ Name: uniqueName(`${label}-master`), SecretString: JSON.stringify(master) }))).ARN!;
    }
    const arn = (await client.send(new CreateSecretCommand({ Name: uniqueName(label), SecretString: JSON.stringify(fields) }))).ARN!;
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn[s], RotationRules: { AutomaticallyAfterDays: 30 } }));
    await server.app.rotation.settled();
    assert.equal((await server.app.rotation.status(arn))?.Status, 'succeeded');
    return { arn, user, first };
  }
  async function sweep() {
    await server.app.rotation.tick();
    await server.app.rotation.settled();
  }
  async function events(arn: string, eventName: string) {
    const { Events } = (await adminOk('LookupEvents', { EventName: eventName, ResourceArn: arn })) as { Events: Array<{ CloudTrailEvent: string }> };
    return Events.map((e) => JSON.parse(e.CloudTrailEvent) as { additionalEventData?: Record<string, string> });
  }

  test(`${label} drift: a password changed behind Coffer's back is found by the next check, within one interval`, { skip }, async () => {
    const { arn, user } = await rotatedSecret('Single');
    const set = await adminOk('PutRotationDriftCheck', { SecretId: arn, Interval: '5m' });
    assert.equal(set.DriftCheckIntervalSeconds, 300);
    assert.equal(set.RotateOnDrift, false);
    await sweep(); // the first check is due at once
    let status = await adminOk('GetRotationStatus', { SecretId: arn });
    assert.equal(status.DriftStatus, 'ok', JSON.stringify(status));
    assert.match(String(status.DriftMessage), new RegExp(`AWSCURRENT logs in as ${user}`));
    const firstCheck = status.LastDriftCheckDate;

    const intruder = strongPassword();
    await opts.target().setPassword(user, intruder); // ALTER USER / SET PASSWORD, not through Coffer
    clock += 60_000;
    await sweep();
    status = await adminOk('GetRotationStatus', { SecretId: arn });
    assert.equal(status.LastDriftCheckDate, firstCheck, 'no check before the interval has passed');
    assert.equal(status.DriftStatus, 'ok');

    clock += 4 * 60_000;
    await sweep();
    status = await adminOk('GetRotationStatus', { SecretId: arn });
    assert.equal(status.DriftStatus, 'drifted', JSON.stringify(status));
    assert.match(String(status.DriftMessage), new RegExp(`AWSCURRENT does not log in as ${user}: .*(password|[Aa]ccess denied)`), 'with the driver\'s reason');
    const current = await value(arn);
    for (const p of [intruder, current.password]) assert.ok(!JSON.stringify(status).includes(p), 'no password in the status');
    const detected = await events(arn, 'RotationDriftDetected');
    assert.equal(detected.length, 1);
    assert.equal(detected[0].additionalEventData?.DriftStatus, 'drifted');

    const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
    assert.match(metrics, new RegExp(`coffer_rotation_drift_checks_total\\{function="${opts.template('Single')}",result="drifted"\\} [1-9]`));
    assert.match(metrics, /coffer_rotation_drifted_secrets [1-9]/);
    assert.ok(!metrics.includes(arn), 'no secret in the metrics');

    // The database is put right; the check run on demand sees it and records that it cleared.
    await opts.target().setPassword(user, current.password);
    const now = await adminOk('CheckRotationDrift', { SecretId: arn });
    assert.equal(now.DriftStatus, 'ok');
    assert.equal((await events(arn, 'RotationDriftCleared')).length, 1);
    assert.ok(!logs.some((l) => l.includes(intruder) || l.includes(current.password)), 'no password in the server log');
  });

  test(`${label} drift with RotateOnDrift: a database set back to the previous password is rotated away`, { skip }, async () => {
    const { arn, user, first } = await rotatedSecret('Single');
    await adminOk('PutRotationDriftCheck', { SecretId: arn, Interval: '1h', RotateOnDrift: true });
    const before = await value(arn);
    await opts.target().setPassword(user, first); // e.g. a restored backup: AWSPREVIOUS's password
    const checked = await adminOk('CheckRotationDrift', { SecretId: arn });
    assert.equal(checked.DriftStatus, 'drifted');
    await server.app.rotation.settled();
    assert.equal((await server.app.rotation.status(arn))?.Status, 'succeeded');
    const after = await value(arn);
    assert.notEqual(after.versionId, before.versionId, 'a rotation made a new AWSCURRENT');
    assert.equal(await loginWorks(after), true);
    assert.equal((await events(arn, 'RotationDriftDetected'))[0].additionalEventData?.RotationStarted, 'true');
    assert.equal((await adminOk('CheckRotationDrift', { SecretId: arn })).DriftStatus, 'ok');
  });

  test(`${label} drift checks: bad input is refused and changes nothing`, { skip }, async () => {
    const t = opts.target();
    const plain = (await client.send(new CreateSecretCommand({ Name: uniqueName(label), SecretString: JSON.stringify({ engine: t.engine, host: t.host, username: 'x', password: 'y' }) }))).ARN!;
    const none = await admin('PutRotationDriftCheck', { SecretId: plain, Interval: '5m' });
    assert.equal(none.status, 400);
    assert.equal(none.json.__type, 'InvalidRequestException');
    assert.match(String(none.json.Message), /no rotation function/);
    const short = await admin('PutRotationDriftCheck', { SecretId: plain, Interval: '10s' });
    assert.equal(short.json.__type, 'InvalidInputException');
    const malformed = await admin('PutRotationDriftCheck', { SecretId: plain, Interval: 'often' });
    assert.equal(malformed.status, 400);
    assert.match(String(malformed.json.Message), /Value 'often' at 'interval' failed to satisfy constraint/);
    const unchecked = await admin('CheckRotationDrift', { SecretId: plain });
    assert.equal(unchecked.json.__type, 'InvalidRequestException');
    assert.equal((await adminOk('GetRotationStatus', { SecretId: plain })).DriftStatus, undefined);
    const { arn } = await rotatedSecret('Single');
    await adminOk('PutRotationDriftCheck', { SecretId: arn, Interval: '5m' });
    const off = await adminOk('PutRotationDriftCheck', { SecretId: arn, Interval: 'off' });
    assert.equal(off.DriftCheckIntervalSeconds, undefined);
  });

  test(`${label} SingleUser rollback: AWSCURRENT goes back to AWSPREVIOUS and the database takes its password again`, { skip }, async () => {
    const { arn, first } = await rotatedSecret('Single');
    const rotated = await value(arn);
    const previous = await value(arn, 'AWSPREVIOUS');
    assert.equal(previous.password, first);
    const out = await adminOk('RollbackRotation', { SecretId: arn });
    assert.deepEqual([out.VersionId, out.PreviousVersionId], [previous.versionId, rotated.versionId]);
    const now = await value(arn);
    assert.equal(now.versionId, previous.versionId);
    assert.equal(await loginWorks(now), true, 'the old credentials log in again');
    assert.equal(await loginWorks(rotated), false, 'the rolled-back password no longer does');
    assert.equal((await value(arn, 'AWSPREVIOUS')).versionId, rotated.versionId);
    // a second rollback undoes the first
    await adminOk('RollbackRotation', { SecretId: arn });
    assert.equal((await value(arn)).versionId, rotated.versionId);
    assert.equal(await loginWorks(rotated), true);
  });

  test(`${label} SingleUser rollback is refused, with nothing changed, when neither version logs in`, { skip }, async () => {
    const { arn, user } = await rotatedSecret('Single');
    const before = await value(arn);
    const intruder = strongPassword();
    await opts.target().setPassword(user, intruder);
    const res = await admin('RollbackRotation', { SecretId: arn });
    assert.equal(res.status, 400);
    assert.equal(res.json.__type, 'InvalidRequestException');
    assert.match(String(res.json.Message), /Neither AWSPREVIOUS nor AWSCURRENT logs in/);
    assert.equal((await value(arn)).versionId, before.versionId, 'AWSCURRENT did not move');
    assert.equal(await opts.target().canLogin(user, intruder), true, 'the database was not touched');
  });

  test(`${label} MultiUser rollback: AWSCURRENT goes back to the previous user, which still logs in`, { skip }, async () => {
    const { arn, user } = await rotatedSecret('Multi');
    const rotated = await value(arn);
    assert.equal(rotated.username, `${user}_clone`);
    await adminOk('RollbackRotation', { SecretId: arn });
    const now = await value(arn);
    assert.equal(now.username, user);
    assert.equal(await loginWorks(now), true, 'the previous user logs in');
    assert.equal((await value(arn, 'AWSPREVIOUS')).versionId, rotated.versionId);
  });

  test(`${label} MultiUser rollback is refused, with nothing changed, when the previous user no longer logs in`, { skip }, async () => {
    const { arn, user } = await rotatedSecret('Multi');
    const before = await value(arn);
    await opts.target().setPassword(user, strongPassword());
    const res = await admin('RollbackRotation', { SecretId: arn });
    assert.equal(res.status, 400);
    assert.equal(res.json.__type, 'InvalidRequestException');
    assert.match(String(res.json.Message), new RegExp(`AWSPREVIOUS credentials \\(user ${user}\\) no longer log in`));
    assert.equal((await value(arn)).versionId, before.versionId, 'AWSCURRENT did not move');
    assert.equal(await loginWorks(before), true, 'the current user still logs in');
  });
}
