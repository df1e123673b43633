// Consumers and consumer-aware retirement against a real database server that checks passwords: a principal
// reading AWSPREVIOUS is listed as its consumer; with RetireAfterIdle the next alternating-users rotation (which
// sets a new password on AWSPREVIOUS's user) is refused when asked for (InvalidRequestException naming the
// consumer) and postponed when scheduled, with the old password still logging in; once nobody has read
// AWSPREVIOUS for the idle time (a fake clock), the scheduler's retry rotates and the old password changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSecretCommand, GetSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TestServer } from '../support/test-server.ts';
import { expectAwsError, rawRequest } from '../api/helpers.ts';
import { followClock } from './http-function.ts';
import { scenarioServer, strongPassword, uniqueName, type ScenarioOptions } from './template-scenarios.ts';

const HOUR = 3600_000;

interface Consumer { PrincipalArn: string; LastReadDate: number; ReadAs: string }

export function consumersScenarios(opts: ScenarioOptions): void {
  const { label, skip } = opts;
  let clock = Date.now();
  let server: TestServer;
  let client: SecretsManagerClient;
  let reader: SecretsManagerClient;
  let readerArn = '';
  let fnMulti = '';
  let fnSingle = '';
  const logs: string[] = [];

  scenarioServer({ ...opts, maxAttempts: 2, now: () => clock, logs }, async (started) => {
    server = started;
    client = followClock(server.client(), () => clock);
    const scope = { accountId: server.app.accountId, region: server.region };
    fnMulti = (await server.app.rotation.functions.create(scope, { name: `${label}-consumers-Multi`, template: opts.template('Multi') })).FunctionArn;
    fnSingle = (await server.app.rotation.functions.create(scope, { name: `${label}-consumers-Single`, template: opts.template('Single') })).FunctionArn;
    // the consumer: an IAM user of its own that may read secrets
    const userName = uniqueName('app-reader');
    readerArn = String(((await adminOk('CreateUser', { UserName: userName })).User as { Arn: string }).Arn);
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
    await adminOk('PutUserPolicy', { UserName: userName, PolicyName: 'read', PolicyDocument: JSON.stringify(policy) });
    const key = (await adminOk('CreateAccessKey', { UserName: userName })).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    reader = followClock(server.client({ credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } }), () => clock);
  });

  async function admin(operation: string, input: Record<string, unknown>) {
    const res = await rawRequest(server.endpoint, JSON.stringify(input), { credentials: server.credentials, target: `CofferAdmin.${operation}`, service: 'coffer', signingDate: new Date(clock) });
    return { status: res.status, json: (res.json ?? {}) as Record<string, unknown> };
  }
  async function adminOk(operation: string, input: Record<string, unknown>) {
    const res = await admin(operation, input);
    assert.equal(res.status, 200, `${operation}: ${JSON.stringify(res.json)}`);
    return res.json;
  }
  const value = async (c: SecretsManagerClient, arn: string, stage = 'AWSCURRENT') => {
    const out = await c.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
    return { versionId: out.VersionId!, ...(JSON.parse(out.SecretString!) as { username: string; password: string }) };
  };
  const loginWorks = (v: { username: string; password: string }) => opts.target().canLogin(v.username, v.password);
  async function sweep() {
    await server.app.rotation.tick();
    await server.app.rotation.settled();
  }

  /** A MultiUser secret rotated once: AWSCURRENT is the clone, AWSPREVIOUS the original user. */
  async function alternatingSecret() {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const fields: Record<string, unknown> = { engine: t.engine, host: t.host, port: t.port, ...(t.dbname ? { dbname: t.dbname } : {}), username: user, password: first };
    const master = { ...fields, ...t.master };
    fields.masterarn = (await client.send(new CreateSecretCommand({ Name: uniqueName(`${label}-master`), SecretString: JSON.stringify(master) }))).ARN!;
    const arn = (await client.send(new CreateSecretCommand({ Name: uniqueName(label), SecretString: JSON.stringify(fields) }))).ARN!;
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnMulti, RotationRules: { AutomaticallyAfterDays: 30 } }));
    await server.app.rotation.settled();
    assert.equal((await server.app.rotation.status(arn))?.Status, 'succeeded');
    return arn;
  }

  test(`${label} consumers: who read each version, as the reads asked, through the admin API`, { skip }, async () => {
    const arn = await alternatingSecret();
    const previous = await value(client, arn, 'AWSPREVIOUS');
    const current = await value(client, arn);
    clock += 1000;
    await value(reader, arn, 'AWSPREVIOUS');
    clock += 1000;
    await reader.send(new GetSecretValueCommand({ SecretId: arn })); // no label: AWSCURRENT
    clock += 1000;
    await reader.send(new GetSecretValueCommand({ SecretId: arn, VersionId: previous.versionId }));
    const listed = await adminOk('GetSecretConsumers', { SecretId: arn, Window: '1h' });
    const versions = listed.Versions as Array<{ VersionId: string; VersionStages: string[]; Consumers: Consumer[] }>;
    const of = (id: string) => versions.find((v) => v.VersionId === id)!;
    const readerOf = (id: string) => of(id).Consumers.find((c) => c.PrincipalArn === readerArn);
    assert.deepEqual(of(previous.versionId).VersionStages, ['AWSPREVIOUS']);
    // the latest read of AWSPREVIOUS's version asked by VersionId, at the clock's time (epoch seconds)
    assert.deepEqual(readerOf(previous.versionId), { PrincipalArn: readerArn, LastReadDate: clock / 1000, ReadAs: 'VersionId' });
    assert.equal(readerOf(current.versionId)?.ReadAs, 'AWSCURRENT');
    assert.equal(readerOf(current.versionId)?.LastReadDate, (clock - 1000) / 1000);
    // the test's own reads (the account's root) are there too, and no one else
    const principals = new Set(versions.flatMap((v) => v.Consumers.map((c) => c.PrincipalArn)));
    assert.equal(principals.size, 2, JSON.stringify(versions));
    // a window before the reads finds none of the reader's
    clock += 2 * HOUR;
    const later = await adminOk('GetSecretConsumers', { SecretId: arn, Window: '1h' });
    assert.equal((later.Versions as Array<{ Consumers: Consumer[] }>).flatMap((v) => v.Consumers).length, 0);
    // bad input: the AWS error type, nothing answered as a 5xx
    const bad = await admin('GetSecretConsumers', { SecretId: arn, Window: '90d' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.__type, 'InvalidInputException');
  });

  test(`${label} retirement: a rotation waits while AWSPREVIOUS is read, then changes the old user's password`, { skip }, async () => {
    const arn = await alternatingSecret();
    const set = await adminOk('PutRotationRetirement', { SecretId: arn, RetireAfterIdle: '1h' });
    assert.equal(set.RetireAfterIdleSeconds, 3600);
    const old = await value(client, arn, 'AWSPREVIOUS');
    assert.equal(await loginWorks(old), true);

    // a consumer still reads AWSPREVIOUS (its application has not moved to the clone yet)
    clock += 10 * 60_000;
    await value(reader, arn, 'AWSPREVIOUS');
    const readAt = clock;
    const status = await adminOk('GetRotationStatus', { SecretId: arn });
    // most recent first: the reader, then the test itself (the account's root read AWSPREVIOUS above)
    assert.deepEqual((status.PreviousVersionConsumers as Consumer[]).map((c) => c.PrincipalArn), [readerArn, `arn:aws:iam::${server.app.accountId}:root`]);

    // asked for now: refused with the consumer named, nothing changed
    const versionsBefore = await adminOk('GetSecretConsumers', { SecretId: arn });
    const refused = await expectAwsError(client.send(new RotateSecretCommand({ SecretId: arn })), 'InvalidRequestException');
    assert.match(refused.message, new RegExp(`read within the last 1h by ${readerArn.replace(/[/]/g, '\\/')}`));
    assert.match(refused.message, new RegExp(new Date(readAt + HOUR).toISOString().replace(/\./g, '\\.')));
    assert.deepEqual((await adminOk('GetSecretConsumers', { SecretId: arn })).Versions, versionsBefore.Versions);
    assert.equal(await loginWorks(old), true);

    // scheduled: the window comes, the rotation is held (not failed) and says who holds it
    clock = (status.NextRotationDate as number) * 1000 - 60_000; // inside the next window
    await value(reader, arn, 'AWSPREVIOUS'); // still read, so the idle time starts again
    const lastRead = clock;
    await sweep();
    const held = await adminOk('GetRotationStatus', { SecretId: arn });
    assert.equal(held.Status, 'held');
    assert.match(String(held.LastError), new RegExp(readerArn.replace(/[/]/g, '\\/')));
    assert.equal(held.PendingVersionId, undefined);
    assert.equal(await loginWorks(old), true, 'the old password still logs in while it is read');
    assert.equal((await value(client, arn, 'AWSPREVIOUS')).versionId, old.versionId);

    // not yet: the idle time has not passed since the last read
    clock = lastRead + HOUR - 60_000;
    await sweep();
    assert.equal((await adminOk('GetRotationStatus', { SecretId: arn })).Status, 'held');
    assert.equal(await loginWorks(old), true);

    // an hour without a read of AWSPREVIOUS: the scheduler's retry rotates, and the old user's password changes
    clock = lastRead + HOUR + 1000;
    await sweep();
    const done = await adminOk('GetRotationStatus', { SecretId: arn });
    assert.equal(done.Status, 'succeeded', JSON.stringify(done));
    assert.equal(done.LastError, undefined);
    const now = await value(client, arn);
    assert.equal(now.username, old.username, 'AWSCURRENT is the old user again, with a new password');
    assert.notEqual(now.password, old.password);
    assert.equal(await loginWorks(now), true);
    assert.equal(await loginWorks(old), false, 'the old password is retired');
    // the version the consumer read holds no label now; the new AWSPREVIOUS has not been read within the hour
    assert.deepEqual((await adminOk('GetRotationStatus', { SecretId: arn })).PreviousVersionConsumers, []);
  });

  test(`${label} retirement: only for alternating users; a bad setting is refused with nothing changed`, { skip }, async () => {
    const t = opts.target();
    const user = uniqueName('app');
    const first = strongPassword();
    await t.createUser(user, first);
    const fields = { engine: t.engine, host: t.host, port: t.port, ...(t.dbname ? { dbname: t.dbname } : {}), username: user, password: first };
    const arn = (await client.send(new CreateSecretCommand({ Name: uniqueName(label), SecretString: JSON.stringify(fields) }))).ARN!;
    const none = await admin('PutRotationRetirement', { SecretId: arn, RetireAfterIdle: '1h' });
    assert.equal(none.json.__type, 'InvalidRequestException');
    assert.match(String(none.json.message ?? none.json.Message), /no rotation function/);
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnSingle, RotationRules: { AutomaticallyAfterDays: 30 } }));
    await server.app.rotation.settled();
    const single = await admin('PutRotationRetirement', { SecretId: arn, RetireAfterIdle: '1h' });
    assert.equal(single.status, 400);
    assert.match(String(single.json.message ?? single.json.Message), /does not alternate users/);
    const tooShort = await admin('PutRotationRetirement', { SecretId: arn, RetireAfterIdle: '30s' });
    assert.equal(tooShort.json.__type, 'InvalidInputException');
    assert.equal((await adminOk('GetRotationStatus', { SecretId: arn })).RetireAfterIdleSeconds, undefined);
    // off is always accepted
    await adminOk('PutRotationRetirement', { SecretId: arn, RetireAfterIdle: 'off' });
  });
}
