// `coffer functions ...`, `coffer rotation-status` and `coffer rotate-secret --wait` through the real binary
// against a real server: an HTTP rotation function run in this process and a command function (an allowed
// script that calls back with the AWS SDK and the access key it was registered with).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestFunction, type TestFunction } from '../../server/test/rotation/http-function.ts';
import { startCliServer, type CliServer, type Run } from './support/cli.ts';

const COMMAND = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'test', 'rotation', 'command-rotator.mjs');
const LAMBDA_CODE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'test', 'rotation', 'lambda');

describe('coffer functions / rotation-status / rotate-secret --wait', () => {
  let s: CliServer;
  let fn: TestFunction;
  let fnArn: string;

  before(async () => {
    s = await startCliServer({ rotation: { backoffMs: 1500, maxAttempts: 2 }, env: { COFFER_ROTATION_COMMANDS: COMMAND, COFFER_ROTATION_CODE_DIRS: LAMBDA_CODE }, logger: { error: () => {} } });
    fn = await startTestFunction(s.server.client(), 'initial-password', Date.now);
  });
  after(async () => {
    await fn?.close();
    await s?.close();
  });

  /** Runs the CLI while the server's scheduler ticks (retries after a failed step need a pass; the 1.5 s backoff
   * lets --wait, which polls every 0.5 s, see the first failed attempt before the retry). */
  async function whileTicking(run: Promise<Run>): Promise<Run> {
    let done = false;
    const ticking = (async () => {
      while (!done) {
        await s.server.app.rotation.tick();
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      return await run;
    } finally {
      done = true;
      await ticking;
    }
  }

  const newSecret = async () =>
    String((await s.json(['create-secret', '--name', `cli-rot-${randomUUID()}`, '--secret-string', JSON.stringify({ username: 'app', password: fn.database.password })])).ARN);

  test('functions create / list / get (the signing key only from create), bad input as the service answers it', async () => {
    const created = await s.json(['functions', 'create', '--name', 'http-rot', '--url', fn.url]);
    const f = created.Function as Record<string, unknown>;
    fnArn = String(f.FunctionArn);
    assert.match(fnArn, /^arn:aws:lambda:us-east-1:\d{12}:function:http-rot$/);
    assert.equal(f.Kind, 'http');
    assert.match(String(f.CreatedDate), /^\d{4}-\d\d-\d\dT/);
    fn.setSigningKey(String(created.SigningKey));

    const listed = (await s.json(['functions', 'list'])).Functions as Array<Record<string, unknown>>;
    assert.deepEqual(listed.map((x) => x.Name), ['http-rot']);
    const got = (await s.json(['functions', 'get', '--name', 'http-rot'])).Function as Record<string, unknown>;
    assert.equal(got.Target, fn.url);
    assert.equal(got.SigningKey, undefined);
    const text = await s.run(['functions', 'list', '--query', 'Functions[].Name', '--output', 'text']);
    assert.equal(text.stdout.trim(), 'http-rot');

    const both = await s.run(['functions', 'create', '--name', 'x', '--url', fn.url, '--template', 'SecretsManagerRDSPostgreSQLRotationSingleUser']);
    assert.equal(both.code, 254);
    assert.match(both.stderr, /\(InvalidInputException\) when calling the CreateFunction operation: Give exactly one of template, url, command and code/);
    const missing = await s.run(['functions', 'create', '--url', fn.url]);
    assert.equal(missing.code, 252);
    assert.match(missing.stderr, /--name/);
    const absent = await s.run(['functions', 'get', '--name', 'nope']);
    assert.equal(absent.code, 254);
    assert.match(absent.stderr, /NoSuchEntityException/);
  });

  test('rotate-secret --wait prints each step as it completes; rotation-status shows the outcome', async () => {
    const arn = await newSecret();
    const r = await whileTicking(s.run(['rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', fnArn, '--wait']));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out.ARN, arn);
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(lines, ['createSecret: done', 'setSecret: done', 'testSecret: done', 'finishSecret: done', `rotation ${String(out.VersionId)} succeeded`]);
    const current = await s.json(['get-secret-value', '--secret-id', arn]);
    assert.equal(current.VersionId, out.VersionId);

    const status = await s.json(['rotation-status', '--secret-id', arn]);
    assert.equal(status.Status, 'succeeded');
    assert.equal(status.RotationEnabled, true);
    assert.equal(status.RotationLambdaARN, fnArn);
    assert.equal(status.PendingVersionId, undefined);
    assert.match(String(status.LastRotatedDate), /^\d{4}-\d\d-\d\dT/);
  });

  test('rotate-secret --wait on a failing step: the attempts and errors (password scrubbed), exit 1, AWSCURRENT kept', async () => {
    const arn = await newSecret();
    const before = await s.json(['get-secret-value', '--secret-id', arn]);
    fn.failAt('setSecret', 10);
    try {
      const token = randomUUID();
      const r = await whileTicking(s.run(['rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', fnArn, '--client-request-token', token, '--wait']));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^createSecret: done$/m);
      assert.doesNotMatch(r.stderr, /^setSecret: done$/m);
      assert.match(r.stderr, /^setSecret failed \(attempt 1 of 2\): setSecret: .*HTTP 500.*; next attempt at \d{4}-/m);
      assert.match(r.stderr, /^setSecret failed \(attempt 2 of 2\): /m);
      assert.match(r.stderr, new RegExp(`the rotation failed; AWSCURRENT is unchanged. RotateSecret with --client-request-token ${token} resumes it.`));
      assert.ok(!r.stderr.includes(fn.database.password) && !r.stdout.includes(fn.database.password), 'no password in the output');
      assert.equal((await s.json(['get-secret-value', '--secret-id', arn])).VersionId, before.VersionId);

      const status = await s.json(['rotation-status', '--secret-id', arn]);
      assert.equal(status.Status, 'failed');
      assert.equal(status.PendingVersionId, token);
      assert.deepEqual(status.CompletedSteps, ['createSecret']);
      assert.equal(status.NextStep, 'setSecret');
      assert.equal(status.Attempts, 2);
      assert.ok(!JSON.stringify(status).includes(fn.database.password));

      // The same token resumes it once the function works again.
      fn.failAt('setSecret', 0);
      const resumed = await whileTicking(s.run(['rotate-secret', '--secret-id', arn, '--client-request-token', token, '--wait']));
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, /^finishSecret: done$/m);
      assert.equal((await s.json(['get-secret-value', '--secret-id', arn])).VersionId, token);
    } finally {
      fn.failAt('setSecret', 0);
    }
  });

  test('functions invoke runs one step (exit 1 when it fails); functions delete', async () => {
    const arn = await newSecret();
    const { VersionId } = await s.json(['rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', fnArn]);
    await s.server.app.rotation.settled();
    const ok = await s.run(['functions', 'invoke', '--name', 'http-rot', '--secret-id', arn, '--step', 'testSecret', '--client-request-token', String(VersionId)]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { StatusCode: 200 });
    fn.failAt('testSecret', 1);
    const failed = await s.run(['functions', 'invoke', '--name', 'http-rot', '--secret-id', arn, '--step', 'testSecret', '--client-request-token', String(VersionId)]);
    assert.equal(failed.code, 1);
    assert.equal(JSON.parse(failed.stdout).FunctionError, 'Unhandled');
    assert.match(failed.stderr, /coffer: the function failed \(Unhandled\): .*HTTP 500/);
    assert.ok(!failed.stderr.includes(fn.database.password));
    const badStep = await s.run(['functions', 'invoke', '--name', 'http-rot', '--secret-id', arn, '--step', 'nope', '--client-request-token', String(VersionId)]);
    assert.equal(badStep.code, 254);
    assert.match(badStep.stderr, /ValidationException/);

    await s.json(['functions', 'create', '--name', 'doomed', '--url', fn.url]);
    assert.deepEqual(await s.json(['functions', 'delete', '--name', 'doomed']), {});
    assert.equal((await s.run(['functions', 'get', '--name', 'doomed'])).code, 254);
  });

  test('a command function registered with its access key rotates with --wait; the secret key is not shown', async () => {
    const key = (await s.json(['admin', 'create-access-key'])).AccessKey as Record<string, string>;
    try {
      const created = await s.json(['functions', 'create', '--name', 'cmd-rot', '--command', COMMAND, '--access-key-id', key.AccessKeyId, '--secret-access-key', key.SecretAccessKey]);
      const f = created.Function as Record<string, unknown>;
      assert.equal(f.Kind, 'command');
      assert.equal(f.Target, COMMAND);
      assert.equal(f.AccessKeyId, key.AccessKeyId);
      assert.equal(created.SigningKey, undefined);
      const got = await s.run(['functions', 'get', '--name', 'cmd-rot']);
      assert.ok(!got.stdout.includes(key.SecretAccessKey));
      const notAllowed = await s.run(['functions', 'create', '--name', 'other', '--command', '/bin/true', '--access-key-id', key.AccessKeyId, '--secret-access-key', key.SecretAccessKey]);
      assert.equal(notAllowed.code, 254);
      assert.match(notAllowed.stderr, /COFFER_ROTATION_COMMANDS/);
      assert.ok(!notAllowed.stderr.includes(key.SecretAccessKey));

      const arn = await newSecret();
      const r = await whileTicking(s.run(['rotate-secret', '--secret-id', arn, '--rotation-lambda-arn', String(f.FunctionArn), '--wait']));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^finishSecret: done$/m);
      const value = JSON.parse(String((await s.json(['get-secret-value', '--secret-id', arn])).SecretString)) as Record<string, string>;
      assert.notEqual(value.password, fn.database.password);
    } finally {
      await s.json(['functions', 'delete', '--name', 'cmd-rot']).catch(() => ({}));
    }
  });

  test('functions create --runtime --handler --code --environment Variables={...} --timeout: a Lambda-style handler', async () => {
    // the function acts as a user of its own, allowed to write versions
    await s.json(['admin', 'create-user', '--user-name', 'lambda-probe']);
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:PutSecretValue', Resource: '*' }] };
    await s.run(['admin', 'put-user-policy', '--user-name', 'lambda-probe', '--policy-name', 'put', '--policy-document', JSON.stringify(policy)]);
    const key = (await s.json(['admin', 'create-access-key', '--user-name', 'lambda-probe'])).AccessKey as Record<string, string>;
    try {
      const code = join(LAMBDA_CODE, 'nodejs');
      const created = await s.json(['functions', 'create', '--name', 'node-probe', '--runtime', 'nodejs', '--handler', 'probe.handler', '--code', code,
        '--environment', 'Variables={MY_SETTING=from-the-cli,OTHER=x}', '--timeout', '30', '--access-key-id', key.AccessKeyId, '--secret-access-key', key.SecretAccessKey]);
      const f = created.Function as Record<string, unknown>;
      assert.deepEqual([f.Kind, f.Target, f.Runtime, f.Handler, f.Timeout, f.AccessKeyId], ['lambda', code, 'nodejs', 'probe.handler', 30, key.AccessKeyId]);
      const got = await s.run(['functions', 'get', '--name', 'node-probe']);
      assert.ok(!got.stdout.includes(key.SecretAccessKey) && !got.stdout.includes('from-the-cli'), 'neither the secret key nor the variables are shown');

      const arn = await newSecret();
      const ok = await s.run(['functions', 'invoke', '--name', 'node-probe', '--secret-id', arn, '--step', 'testSecret', '--client-request-token', randomUUID()]);
      assert.equal(ok.code, 0, ok.stderr);
      // the probe put what it saw as a version labelled PROBE
      const seen = JSON.parse(String((await s.json(['get-secret-value', '--secret-id', arn, '--version-stage', 'PROBE'])).SecretString)) as { env: Record<string, string>; functionName: string };
      assert.equal(seen.env.MY_SETTING, 'from-the-cli');
      assert.equal(seen.functionName, 'node-probe');

      const outside = await s.run(['functions', 'create', '--name', 'outside', '--runtime', 'python3', '--handler', 'x.handler', '--code', '/tmp', '--access-key-id', key.AccessKeyId, '--secret-access-key', key.SecretAccessKey]);
      assert.equal(outside.code, 254);
      assert.match(outside.stderr, /COFFER_ROTATION_CODE_DIRS/);
    } finally {
      await s.json(['functions', 'delete', '--name', 'node-probe']).catch(() => ({}));
    }
  });
});
