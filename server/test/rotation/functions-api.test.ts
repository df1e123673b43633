// Rotation functions and the rotation status through the admin API (CofferAdmin.CreateFunction, ListFunctions,
// GetFunction, DeleteFunction, InvokeFunction, GetRotationStatus), signed with SigV4 like any admin call:
// validation with IAM's error types, Lambda's actions in identity policies, the audit trail without the
// signing key or the command's secret key, and rotation steps recorded as service events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { allow, expectAdminError, startAccessServer, type AccessServer } from '../access/helpers.ts';
import { startTestFunction, type TestFunction } from './http-function.ts';

let s: AccessServer;
let client: SecretsManagerClient;
let fn: TestFunction;
let fnArn: string;
let signingKey: string;

before(async () => {
  s = await startAccessServer({ rotation: { backoffMs: 1, maxAttempts: 2 }, logger: { error: () => {} } });
  client = s.sm(s.root);
  fn = await startTestFunction(client, 'initial-password', Date.now);
  const created = await s.admin('CreateFunction', { Name: 'http-rotator', Url: fn.url });
  const f = created.Function as Record<string, unknown>;
  fnArn = String(f.FunctionArn);
  signingKey = String(created.SigningKey);
  fn.setSigningKey(signingKey);
});
after(async () => {
  await fn?.close();
  await s?.close();
});

async function newSecret(): Promise<string> {
  const out = await client.send(new CreateSecretCommand({ Name: `fn-${randomUUID()}`, SecretString: JSON.stringify({ username: 'app', password: fn.database.password }) }));
  return out.ARN!;
}

test('CreateFunction registers an HTTP function (the signing key shown once); Get and List show it without the key', async () => {
  assert.equal(fnArn, `arn:aws:lambda:us-east-1:${s.accountId}:function:http-rotator`);
  assert.equal(Buffer.from(signingKey, 'base64').length, 32);
  const got = (await s.admin('GetFunction', { Name: 'http-rotator' })).Function as Record<string, unknown>;
  assert.deepEqual(Object.keys(got), ['FunctionArn', 'Name', 'Kind', 'Target', 'CreatedDate']);
  assert.equal(got.Kind, 'http');
  assert.equal(got.Target, fn.url);
  const listed = (await s.admin('ListFunctions')).Functions as Array<Record<string, unknown>>;
  assert.deepEqual(listed.map((f) => f.Name), ['http-rotator']);
  assert.doesNotMatch(JSON.stringify(listed), new RegExp(signingKey.replace(/[+/=]/g, '.')));
});

test('CreateFunction refuses bad input with IAM error types; nothing is registered', async () => {
  await expectAdminError(s.admin('CreateFunction', { Name: 'http-rotator', Url: fn.url }), 'EntityAlreadyExistsException', 'A rotation function named http-rotator already exists.');
  await expectAdminError(s.admin('CreateFunction', { Name: 'two', Url: fn.url, Template: 'SecretsManagerRDSPostgreSQLRotationSingleUser' }), 'InvalidInputException', /exactly one of/);
  await expectAdminError(s.admin('CreateFunction', { Name: 'none' }), 'InvalidInputException', /exactly one of/);
  await expectAdminError(s.admin('CreateFunction', { Name: 'ftp', Url: 'ftp://example.com/x' }), 'InvalidInputException', /must start with http/);
  await expectAdminError(s.admin('CreateFunction', { Name: 'no-such-template', Template: 'NoSuchTemplate' }), 'InvalidInputException', /no built-in rotation template NoSuchTemplate/);
  await expectAdminError(s.admin('CreateFunction', { Name: 'cmd', Command: '/bin/true', AccessKeyId: s.root.accessKeyId, SecretAccessKey: s.root.secretAccessKey }), 'InvalidInputException', /not allowed/);
  await expectAdminError(s.admin('CreateFunction', { Name: 'cmd', Command: '/bin/true' }), 'InvalidInputException');
  await expectAdminError(s.admin('CreateFunction', { Name: 'url-creds', Url: fn.url, AccessKeyId: s.root.accessKeyId, SecretAccessKey: s.root.secretAccessKey }), 'InvalidInputException', /Only a Command or Code function/);
  await expectAdminError(s.admin('CreateFunction', { Name: 'bad name!', Url: fn.url }), 'ValidationException', /at 'name' failed to satisfy constraint/);
  await expectAdminError(s.admin('GetFunction', { Name: 'none' }), 'NoSuchEntityException', 'The rotation function with name none cannot be found.');
  assert.deepEqual(((await s.admin('ListFunctions')).Functions as Array<Record<string, unknown>>).map((f) => f.Name), ['http-rotator']);
});

test('a function registered through the admin API rotates a secret; InvokeFunction runs one step and reports a failure scrubbed', async () => {
  const arn = await newSecret();
  const { VersionId } = await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn }));
  await s.server.app.rotation.settled();
  const current = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  assert.equal(current.VersionId, VersionId);
  assert.equal(JSON.parse(current.SecretString!).password, fn.database.password);

  // testSecret on the finished version: the function sees AWSCURRENT on the token and does nothing.
  fn.events.length = 0;
  const ok = await s.admin('InvokeFunction', { Name: 'http-rotator', SecretId: arn, Step: 'testSecret', ClientRequestToken: VersionId });
  assert.deepEqual(ok, { StatusCode: 200 });
  assert.deepEqual(fn.events, [{ SecretId: arn, ClientRequestToken: VersionId, Step: 'testSecret' }], 'the event is AWS\'s, with the full ARN');

  fn.failAt('testSecret', 1);
  const failed = await s.admin('InvokeFunction', { Name: 'http-rotator', SecretId: arn, Step: 'testSecret', ClientRequestToken: VersionId });
  assert.equal(failed.StatusCode, 200);
  assert.equal(failed.FunctionError, 'Unhandled');
  assert.match(String(failed.ErrorMessage), /HTTP 500/);
  assert.ok(!String(failed.ErrorMessage).includes(fn.database.password), 'the password in the function\'s answer is scrubbed');

  await expectAdminError(s.admin('InvokeFunction', { Name: 'http-rotator', SecretId: 'no-such-secret', Step: 'testSecret', ClientRequestToken: VersionId }), 'ResourceNotFoundException');
  await expectAdminError(s.admin('InvokeFunction', { Name: 'http-rotator', SecretId: arn, Step: 'fooSecret', ClientRequestToken: VersionId }), 'ValidationException', /at 'step' failed to satisfy constraint: Member must satisfy enum value set/);
});

test('GetRotationStatus shows the run: steps done, the next one, attempts and the last error without the password', async () => {
  const arn = await newSecret();
  await expectAdminError(s.admin('GetRotationStatus', { SecretId: 'no-such-secret' }), 'ResourceNotFoundException');
  const never = await s.admin('GetRotationStatus', { SecretId: arn });
  assert.deepEqual(Object.keys(never), ['ARN', 'Name', 'RotationEnabled']);
  assert.equal(never.RotationEnabled, false);

  fn.failAt('setSecret', 10);
  const token = randomUUID();
  await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 10 } }));
  await s.server.app.rotation.settled();
  const retrying = await s.admin('GetRotationStatus', { SecretId: arn });
  assert.equal(retrying.Status, 'retrying');
  assert.equal(retrying.PendingVersionId, token);
  assert.deepEqual(retrying.Steps, ['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
  assert.deepEqual(retrying.CompletedSteps, ['createSecret']);
  assert.equal(retrying.NextStep, 'setSecret');
  assert.equal(retrying.Attempts, 1);
  assert.equal(retrying.MaxAttempts, 2);
  assert.equal(typeof retrying.NextAttemptDate, 'number', 'dates are epoch seconds on the wire');
  assert.match(String(retrying.LastError), /^setSecret: .*HTTP 500/);
  assert.ok(!JSON.stringify(retrying).includes(fn.database.password));

  await new Promise((r) => setTimeout(r, 5));
  await s.server.app.rotation.tick();
  const failed = await s.admin('GetRotationStatus', { SecretId: arn });
  assert.equal(failed.Status, 'failed');
  assert.equal(failed.Attempts, 2);
  assert.equal(failed.NextAttemptDate, undefined);
  fn.failAt('setSecret', 0);

  // The trail: the steps and the failures as service events on the secret, nothing secret in them.
  const { Events } = await s.admin('LookupEvents', { ResourceArn: arn });
  const events = (Events as Array<Record<string, unknown>>).filter((e) => e.EventSource === 'secretsmanager.amazonaws.com' && String(e.EventName).startsWith('Rotation'));
  // Newest first, as CloudTrail.
  assert.deepEqual(events.map((e) => e.EventName), ['RotationFailed', 'RotationStarted', 'RotationStepFailed', 'RotationStepSucceeded', 'RotationStarted']);
  const record = JSON.parse(String(events[2].CloudTrailEvent)) as Record<string, any>;
  assert.equal(record.eventType, 'AwsServiceEvent');
  assert.equal(record.userIdentity.invokedBy, 'secretsmanager.amazonaws.com');
  assert.deepEqual({ ...record.additionalEventData, Error: undefined }, { SecretId: arn, ClientRequestToken: token, Step: 'setSecret', Attempt: 1, Error: undefined });
  assert.match(record.additionalEventData.Error, /HTTP 500/);
  assert.ok(!JSON.stringify(Events).includes(fn.database.password));
});

test('Lambda actions in identity policies decide who manages and invokes functions; GetRotationStatus needs DescribeSecret', async () => {
  const arn = await newSecret();
  const viewer = await s.user(`viewer-${randomUUID().slice(0, 8)}`, { p: allow(['lambda:GetFunction', 'lambda:ListFunctions', 'lambda:InvokeFunction'], '*') });
  const got = (await s.admin('GetFunction', { Name: 'http-rotator' }, viewer)).Function as Record<string, unknown>;
  assert.equal(got.FunctionArn, fnArn);
  await expectAdminError(s.admin('CreateFunction', { Name: 'mine', Url: fn.url }, viewer), 'AccessDeniedException', /lambda:CreateFunction/);
  await expectAdminError(s.admin('DeleteFunction', { Name: 'http-rotator' }, viewer), 'AccessDeniedException', /lambda:DeleteFunction/);
  // Invoking acts on the secret: the caller must be allowed to rotate it.
  await expectAdminError(s.admin('InvokeFunction', { Name: 'http-rotator', SecretId: arn, Step: 'testSecret', ClientRequestToken: randomUUID() }, viewer), 'AccessDeniedException', /secretsmanager:RotateSecret/);
  await expectAdminError(s.admin('GetRotationStatus', { SecretId: arn }, viewer), 'AccessDeniedException', /secretsmanager:DescribeSecret/);
  const nobody = await s.user(`nobody-${randomUUID().slice(0, 8)}`);
  await expectAdminError(s.admin('ListFunctions', {}, nobody), 'AccessDeniedException', /lambda:ListFunctions/);
});

test('a command function through the admin API: its access key shown, its secret key never (not in the trail either); DeleteFunction', async () => {
  // The server does not allow any command here: registration is refused before anything is stored.
  const key = (await s.admin('CreateAccessKey', {})).AccessKey as Record<string, string>;
  await expectAdminError(
    s.admin('CreateFunction', { Name: 'cmd', Command: '/usr/bin/env', AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey }),
    'InvalidInputException',
    /COFFER_ROTATION_COMMANDS/,
  );
  await s.admin('DeleteAccessKey', { AccessKeyId: key.AccessKeyId });
  const { Events } = await s.admin('LookupEvents', { EventName: 'CreateFunction' });
  const trail = JSON.stringify(Events);
  assert.ok(trail.includes(key.AccessKeyId), 'the access key id is recorded');
  assert.ok(!trail.includes(key.SecretAccessKey), 'the secret access key is not');
  assert.ok(!trail.includes(signingKey), 'the signing key is not');

  await s.admin('CreateFunction', { Name: 'doomed', Url: fn.url });
  assert.deepEqual(await s.admin('DeleteFunction', { Name: 'doomed' }), {});
  await expectAdminError(s.admin('DeleteFunction', { Name: 'doomed' }), 'NoSuchEntityException');
  const arn = await newSecret();
  await assert.rejects(
    client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: `arn:aws:lambda:us-east-1:${s.accountId}:function:doomed` })),
    (err: Error) => err.name === 'AccessDeniedException',
  );
});

test('ListSecrets entries carry the rotation fields DescribeSecret shows; a purged secret takes its rotation row with it', async () => {
  const arn = await newSecret();
  const plain = await newSecret();
  await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 5 } }));
  await s.server.app.rotation.settled();
  const d = await client.send(new DescribeSecretCommand({ SecretId: arn }));
  const { SecretList } = await client.send(new ListSecretsCommand({ MaxResults: 100 }));
  const entry = SecretList!.find((e) => e.ARN === arn)!;
  assert.equal(entry.RotationEnabled, true);
  assert.equal(entry.RotationLambdaARN, fnArn);
  assert.deepEqual(entry.RotationRules, { AutomaticallyAfterDays: 5 });
  assert.equal(entry.LastRotatedDate?.getTime(), d.LastRotatedDate?.getTime());
  assert.equal(entry.NextRotationDate?.getTime(), d.NextRotationDate?.getTime());
  const other = SecretList!.find((e) => e.ARN === plain)!;
  assert.equal(other.RotationEnabled, undefined, 'a secret never configured shows no rotation fields, as in AWS');

  const rows = () => s.server.app.store.db.selectFrom('secret_rotations').select('secret_id').execute();
  const before = (await rows()).length;
  await client.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
  await s.server.app.rotation.tick();
  assert.equal((await rows()).length, before - 1, 'the rotation row of the purged secret is gone');
});

test('drift checks and rollback: RotateSecret (and UpdateSecretVersionStage for a rollback) decide who may; a value that is not a database credential is refused', async () => {
  const arn = await newSecret();
  await client.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: fnArn, RotationRules: { AutomaticallyAfterDays: 5 } }));
  await s.server.app.rotation.settled();
  const viewer = await s.user(`drift-viewer-${randomUUID().slice(0, 8)}`, { p: allow(['secretsmanager:DescribeSecret'], '*') });
  await expectAdminError(s.admin('PutRotationDriftCheck', { SecretId: arn, Interval: '5m' }, viewer), 'AccessDeniedException', /secretsmanager:RotateSecret/);
  await expectAdminError(s.admin('CheckRotationDrift', { SecretId: arn }, viewer), 'AccessDeniedException', /secretsmanager:RotateSecret/);
  const rotator = await s.user(`drift-rotator-${randomUUID().slice(0, 8)}`, { p: allow(['secretsmanager:RotateSecret', 'secretsmanager:DescribeSecret'], '*') });
  await expectAdminError(s.admin('RollbackRotation', { SecretId: arn }, rotator), 'AccessDeniedException', /secretsmanager:UpdateSecretVersionStage/);
  // An HTTP function's secret without an engine: Coffer cannot log in for it, so neither works, and nothing is stored.
  const unsupported = /^Coffer cannot log in for this secret: its value is not a database credential of a supported engine \(engine key is missing from secret JSON\)\.$/;
  await expectAdminError(s.admin('PutRotationDriftCheck', { SecretId: arn, Interval: '5m' }), 'InvalidRequestException', unsupported);
  await expectAdminError(s.admin('RollbackRotation', { SecretId: arn }), 'InvalidRequestException', unsupported);
  assert.equal((await s.admin('GetRotationStatus', { SecretId: arn })).DriftStatus, undefined);
  await expectAdminError(s.admin('RollbackRotation', { SecretId: 'no-such-secret' }), 'ResourceNotFoundException');
  await client.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
  await expectAdminError(s.admin('RollbackRotation', { SecretId: arn }), 'InvalidRequestException', /scheduled for deletion/);
});
