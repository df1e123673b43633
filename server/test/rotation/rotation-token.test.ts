// PutSecretValue's RotationToken: each rotation attempt hands its function a fresh token in the event; the
// function's PutSecretValue naming it is accepted, any other token (wrong, from a finished or cancelled
// rotation, or with no rotation under way) is refused with nothing changed, and the caller's own permission is
// still required. The token never reaches the audit trail or the log. An HTTP function run in-test and a
// command function, through the JS SDK, on both stores.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, startAccessServer, type AccessServer } from '../access/helpers.ts';
import { createLog } from '../../src/observability/log.ts';
import { startTestFunction, type TestFunction } from './http-function.ts';

const INVALID = "The rotation token is not valid for this secret's rotation.";
const COMMAND = join(dirname(fileURLToPath(import.meta.url)), 'command-rotator.mjs');

for (const backend of BACKENDS) describe(`PutSecretValue's RotationToken (${backend.name})`, { skip: backend.skip }, () => {
  let s: AccessServer;
  let client: SecretsManagerClient;
  let fn: TestFunction;
  let fnArn: string;
  let commandArn: string;
  const logLines: string[] = [];

  before(async () => {
    const log = createLog({ level: 'debug', format: 'json' }, { write: (line: string) => void logLines.push(line) });
    s = await startAccessServer({
      backend: backend.name,
      log,
      logger: { error: (msg, fields) => logLines.push(JSON.stringify({ msg, ...fields })) },
      rotation: { backoffMs: 1, maxAttempts: 3 },
      env: { COFFER_ROTATION_COMMANDS: COMMAND },
    });
    client = s.sm(s.root);
    fn = await startTestFunction(client, 'initial-password', Date.now);
    const scope = { accountId: s.accountId, region: s.server.region };
    const created = await s.server.app.rotation.functions.create(scope, { name: 'token-rotator', url: fn.url });
    fnArn = created.FunctionArn;
    fn.setSigningKey(created.SigningKey!);
    commandArn = (await s.server.app.rotation.functions.create(scope, { name: 'token-command', command: COMMAND, credentials: s.root })).FunctionArn;
  });
  after(async () => {
    await fn?.close();
    await s?.close();
  });

  const newSecret = async (): Promise<string> =>
    (await client.send(new CreateSecretCommand({ Name: `rt-${randomUUID()}`, SecretString: JSON.stringify({ username: 'app', password: fn.database.password }) }))).ARN!;
  const versions = async (arn: string) => (await client.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }))).Versions!.map((v) => [v.VersionId, v.VersionStages]);
  // Under a label of its own, so that it does not move AWSCURRENT under a rotation.
  const put = (arn: string, RotationToken: string, c = client) =>
    c.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: randomUUID(), SecretString: 'written-with-a-token', VersionStages: ['by-token'], RotationToken }));
  const tokensSeen = () => fn.events.map((e) => e.RotationToken);
  /** Starts a rotation of `arn` and holds it at setSecret: the attempt is under way; its token. */
  async function heldRotation(arn: string): Promise<{ token: string; release(): Promise<void> }> {
    fn.events.length = 0;
    const held = fn.holdAt('setSecret');
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn }));
    await held.reached;
    return {
      token: fn.events[0].RotationToken!,
      async release() {
        held.release();
        await s.server.app.rotation.settled();
      },
    };
  }

  test('each attempt hands its function a fresh token; the function\'s PutSecretValue with it succeeds', async () => {
    const arn = await newSecret();
    fn.events.length = 0;
    fn.failAt('setSecret', 1);
    await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn }));
    await s.server.app.rotation.settled();
    assert.equal((await s.server.app.rotation.status(arn))?.Status, 'retrying');
    await new Promise((r) => setTimeout(r, 5));
    await s.server.app.rotation.tick();
    assert.equal((await s.server.app.rotation.status(arn))?.Status, 'succeeded');
    const [first, ...rest] = fn.events;
    assert.match(first.RotationToken ?? '', /^[0-9a-f]{64}$/);
    // Attempt 1: createSecret (its PutSecretValue named the token), setSecret (failed). Attempt 2: the rest.
    assert.deepEqual(fn.events.map((e) => e.Step), ['createSecret', 'setSecret', 'setSecret', 'testSecret', 'finishSecret']);
    assert.equal(rest[0].RotationToken, first.RotationToken, 'one token for the steps of one attempt');
    assert.notEqual(rest[1].RotationToken, first.RotationToken, 'a new attempt, a new token');
    assert.ok(rest.slice(1).every((e) => e.RotationToken === rest[1].RotationToken));
    // Both tokens stopped being valid with their attempts.
    for (const token of new Set(tokensSeen())) await expectAwsError(put(arn, token!), 'InvalidParameterException', INVALID);
  });

  test('a command function\'s PutSecretValue with the event\'s token succeeds', async () => {
    const arn = await newSecret();
    const { VersionId } = await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: commandArn }));
    await s.server.app.rotation.settled();
    assert.equal((await s.server.app.rotation.status(arn))?.Status, 'succeeded', (await s.server.app.rotation.status(arn))?.LastError);
    const current = (await versions(arn)).find(([, stages]) => stages?.includes('AWSCURRENT'));
    assert.equal(current?.[0], VersionId);
    // The command's own PutSecretValue named the token (recorded redacted) and was accepted.
    const { Events } = (await s.admin('LookupEvents', { EventName: 'PutSecretValue', ResourceArn: arn })) as { Events: Array<{ CloudTrailEvent: string }> };
    const byCommand = Events.map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, any>);
    assert.deepEqual(
      byCommand.map((e) => [e.requestParameters.ClientRequestToken, e.requestParameters.RotationToken, e.errorCode]),
      [[VersionId, '***', undefined]],
    );
  });

  test('a wrong token, or any token with no rotation under way: InvalidParameterException, nothing changed', async () => {
    const arn = await newSecret();
    const before = await versions(arn);
    await expectAwsError(put(arn, randomBytes(32).toString('hex')), 'InvalidParameterException', INVALID);
    await expectAwsError(put(arn, randomUUID()), 'InvalidParameterException', INVALID);
    assert.deepEqual(await versions(arn), before);
  });

  test('during an attempt: its token is accepted, a wrong one refused; the caller still needs PutSecretValue', async () => {
    const arn = await newSecret();
    const { token, release } = await heldRotation(arn);
    try {
      const before = await versions(arn);
      await expectAwsError(put(arn, randomBytes(32).toString('hex')), 'InvalidParameterException', INVALID);
      assert.deepEqual(await versions(arn), before);
      // The token grants nothing: a user without secretsmanager:PutSecretValue is refused even with it.
      const reader = s.sm(await s.user(`reader-${randomUUID().slice(0, 8)}`, { p: allow(['secretsmanager:DescribeSecret'], '*') }));
      await expectAwsError(put(arn, token, reader), 'AccessDeniedException');
      assert.deepEqual(await versions(arn), before);
      const out = await put(arn, token);
      assert.deepEqual(out.VersionStages, ['by-token']);
    } finally {
      await release();
    }
  });

  test('CancelRotateSecret ends the token of the attempt under way', async () => {
    const arn = await newSecret();
    const { token, release } = await heldRotation(arn);
    try {
      await client.send(new CancelRotateSecretCommand({ SecretId: arn }));
      const before = await versions(arn);
      await expectAwsError(put(arn, token), 'InvalidParameterException', INVALID);
      assert.deepEqual(await versions(arn), before);
    } finally {
      await release();
    }
  });

  test('no token in the audit trail or the log: PutSecretValue records RotationToken as ***', async () => {
    await s.server.app.audit.flush();
    const tokens = [...new Set(tokensSeen().filter((t): t is string => t !== undefined))];
    assert.ok(tokens.length > 0);
    const events: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = (await s.admin('LookupEvents', { NextToken, MaxResults: 50 })) as { Events: Array<{ CloudTrailEvent: string }>; NextToken?: string };
      events.push(...page.Events.map((e) => e.CloudTrailEvent));
      NextToken = page.NextToken;
    } while (NextToken);
    const puts = events.map((e) => JSON.parse(e) as Record<string, any>).filter((e) => e.eventName === 'PutSecretValue' && e.requestParameters?.RotationToken !== undefined);
    assert.ok(puts.length >= 3, 'the functions\' and the tests\' PutSecretValue calls are recorded');
    assert.ok(puts.every((e) => e.requestParameters.RotationToken === '***'));
    assert.ok(logLines.length > 0, 'the log was captured');
    for (const token of tokens) {
      assert.ok(!events.some((e) => e.includes(token)), 'a token in the audit trail');
      assert.ok(!logLines.some((l) => l.includes(token)), 'a token in the log');
    }
  });
});
