// The pipeline's steps, in order, as plain async code: route > authenticate > decode and validate > invoke >
// encode > audit. A failure at any step, thrown or rejected, is answered as an AWS error and audited; a change is
// answered only once its audit event is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Authenticator, Caller } from '../auth/authenticate.ts';
import { AwsError, awsErrors } from '../errors/aws-errors.ts';
import { repoDir } from '../paths.ts';
import { loadServiceModel } from './model/index.ts';
import { createPipeline, type AuditRecord, type Handler } from './pipeline.ts';

const model = loadServiceModel(join(repoDir(), 'models', 'secretsmanager-2017-10-17.json'));
const caller: Caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1' };

function request(operation: string, body: unknown) {
  const text = JSON.stringify(body);
  return {
    method: 'POST',
    path: '/',
    query: '',
    headers: {},
    rawHeaders: ['X-Amz-Target', `secretsmanager.${operation}`, 'User-Agent', 'test'],
    body: Buffer.from(text),
  };
}

/** A pipeline over one handler, with what it logged and audited, and the order the steps ran in. */
function setup(handler: Handler, authenticate: Authenticator['authenticate'] = async (_request, _services, _headers, context) => ({ ...caller, ...context })) {
  const steps: string[] = [];
  const logged: Array<Record<string, unknown>> = [];
  const audited: AuditRecord[] = [];
  let settleAudit: () => void = () => {};
  let failAudit: (err: Error) => void = () => {};
  const pipeline = createPipeline(
    [{ model, handlers: { GetSecretValue: handler }, internalError: () => new AwsError('InternalServiceError', 'An error occurred on the server side.', 500, true) }],
    {
      authenticate: async (...args) => {
        steps.push('authenticate');
        return authenticate(...args);
      },
    },
    { error: (_message, fields) => logged.push(fields) },
    {
      record(entry) {
        steps.push('audit');
        audited.push(entry);
        // A recorded call answers once its event is stored.
        return entry.error ? undefined : new Promise<void>((resolve, reject) => ((settleAudit = resolve), (failAudit = reject)));
      },
    },
  );
  return { pipeline, steps, logged, audited, settleAudit: () => settleAudit(), failAudit: (err: Error) => failAudit(err) };
}

test('the steps run in order, and a call is answered once its audit event is stored', async () => {
  const t = setup(async (_caller, input) => {
    t.steps.push(`invoke ${input.SecretId}`);
    return { Name: 'app/db', SecretString: 'the value' };
  });
  let answered = false;
  const pending = t.pipeline.handle(request('GetSecretValue', { SecretId: 'app/db' }), 'req-1').then((r) => ((answered = true), r));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(t.steps, ['authenticate', 'invoke app/db', 'audit']);
  assert.equal(answered, false, 'not answered before the audit event is stored');
  t.settleAudit();
  const response = await pending;
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.body), { Name: 'app/db', SecretString: 'the value' });
  assert.equal(t.audited[0].caller?.userAgent, 'test');
  assert.deepEqual(t.audited[0].response?.(), { Name: 'app/db', SecretString: '***' }, 'the audit record is redacted by the model');
});

test('a change whose audit event cannot be stored is not acknowledged: an internal error, logged, no second event', async () => {
  const t = setup(async () => ({ Name: 'app/db', SecretString: 'the value' }));
  const pending = t.pipeline.handle(request('GetSecretValue', { SecretId: 'app/db' }), 'req-9');
  await new Promise((resolve) => setImmediate(resolve));
  t.failAudit(new Error('the audit write failed'));
  const response = await pending;
  assert.equal(response.status, 500);
  assert.deepEqual(JSON.parse(response.body), { __type: 'InternalServiceError', Message: 'An error occurred on the server side.' });
  assert.doesNotMatch(response.body, /the value/);
  assert.equal(t.audited.length, 1, 'the call keeps its one event (queued for a retry), no InternalServiceError event beside it');
  assert.deepEqual(t.logged.map((f) => [f.requestId, f.error]), [['req-9', 'Error: the audit write failed']]);
});

test('a handler that rejects with an AWS error is answered with it, and audited', async () => {
  const t = setup(async () => {
    throw awsErrors.notFound("Secrets Manager can't find the specified secret.");
  });
  const response = await t.pipeline.handle(request('GetSecretValue', { SecretId: 'app/db' }), 'req-2');
  assert.equal(response.status, 400);
  assert.deepEqual(JSON.parse(response.body), { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
  assert.equal(t.audited[0].error?.code, 'ResourceNotFoundException');
  assert.deepEqual(t.logged, []);
});

test('anything else a handler throws is the service internal error, logged with the request id', async () => {
  for (const handler of [
    (() => {
      throw new TypeError('a bug');
    }) as unknown as Handler,
    async () => Promise.reject(new TypeError('a bug')),
  ]) {
    const t = setup(handler);
    const response = await t.pipeline.handle(request('GetSecretValue', { SecretId: 'app/db' }), 'req-3');
    assert.equal(response.status, 500);
    assert.equal(JSON.parse(response.body).__type, 'InternalServiceError');
    assert.equal(t.logged[0].requestId, 'req-3');
    assert.match(String(t.logged[0].error), /TypeError: a bug/);
    assert.equal(t.audited[0].error?.code, 'InternalServiceError');
  }
});

test('a failed authentication stops the call before decoding or invoking, and is audited without a caller', async () => {
  let invoked = false;
  const t = setup(
    async () => {
      invoked = true;
      return {};
    },
    async () => {
      throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    },
  );
  const response = await t.pipeline.handle(request('GetSecretValue', 'not an object'), 'req-4');
  assert.equal(JSON.parse(response.body).__type, 'UnrecognizedClientException');
  assert.equal(invoked, false);
  assert.equal(t.audited[0].caller, undefined);
  assert.equal(t.audited[0].request, undefined);
});
