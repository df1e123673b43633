// The AWS JSON 1.1 wire, with raw signed HTTP (what the SDK would never send): malformed bodies, wrong
// types, missing tokens, oversize values and bodies, unknown operations. After every bad request the
// server still answers and the store is as it was; no error message echoes a secret value.
import { after, before, beforeEach, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { INVALID_NAME, SECRET_NOT_FOUND, TOKEN_REQUIRED, assertRawError, rawRequest, scopeState, token, type RawResponse } from './helpers.ts';

const MARK = 'TOPSECRET-c0ffer-9d41';
let server: TestServer;
let sm: SecretsManagerClient;
let baseline: unknown;

before(async () => {
  server = await startTestServer();
  sm = server.client();
  await sm.send(new CreateSecretCommand({ Name: 'existing', SecretString: `${MARK}-stored`, Tags: [{ Key: 't', Value: 'v' }] }));
  await sm.send(new CreateSecretCommand({ Name: 'empty' }));
});
after(() => server.close());

// Every test starts and ends with the same store: bad requests change nothing.
beforeEach(async () => {
  baseline = await scopeState(sm);
});
afterEach(async () => {
  assert.deepEqual(await scopeState(sm), baseline, 'the store changed');
  const ok = await call('GetSecretValue', { SecretId: 'existing' });
  assert.equal(ok.status, 200, 'the server still serves');
  assert.equal(ok.json?.SecretString, `${MARK}-stored`);
});

function call(operation: string, body: unknown, target = `secretsmanager.${operation}`): Promise<RawResponse> {
  return rawRequest(server.endpoint, typeof body === 'string' ? body : JSON.stringify(body), { credentials: server.credentials, target });
}

function assertNoEcho(res: RawResponse): void {
  assert.equal(res.text.includes(MARK), false, `the answer echoes the secret: ${res.text.slice(0, 300)}`);
}

describe('request bodies', () => {
  it('answers malformed JSON with SerializationException without quoting the body', async () => {
    for (const body of [`{"Name":"new","SecretString":"${MARK}`, `{"Name":"new","SecretString":${MARK}}`, `${MARK}`, `{"SecretString":"${MARK}",}`]) {
      const res = await call('CreateSecret', body);
      assertRawError(res, 'SerializationException', 'The request body is not valid JSON.');
      assertNoEcho(res);
    }
  });

  it('answers wrong JSON types with SerializationException, never quoting a sensitive value', async () => {
    const cases: Array<[unknown, string]> = [
      [{ SecretId: 123 }, 'NUMBER_VALUE can not be converted to a String'],
      [{ SecretId: true }, 'TRUE_VALUE can not be converted to a String'],
      [{ SecretId: ['existing'] }, 'Start of list found where not expected'],
      [{ SecretId: { a: 1 } }, 'Start of structure or map found where not expected.'],
      [['existing'], 'Start of list found where not expected'],
    ];
    for (const [body, message] of cases) assertRawError(await call('DescribeSecret', body), 'SerializationException', message);
    const t = token();
    const sensitive: Array<[unknown, string | RegExp]> = [
      [{ SecretId: 'existing', ClientRequestToken: t, SecretString: { v: MARK } }, 'Start of structure or map found where not expected.'],
      [{ SecretId: 'existing', ClientRequestToken: t, SecretString: [MARK] }, 'Start of list found where not expected'],
      [{ SecretId: 'existing', ClientRequestToken: t, SecretBinary: `${MARK}!` }, /^'\*\*\*' can not be converted to a Blob/],
      [{ SecretId: 'existing', ClientRequestToken: t, SecretBinary: Buffer.from(MARK).toString('base64').slice(0, -1) + '*' }, /^'\*\*\*' can not be converted to a Blob/],
      [{ SecretId: 'existing', ClientRequestToken: t, SecretBinary: 12345 }, 'NUMBER_VALUE can not be converted to a Blob'],
    ];
    for (const [body, message] of sensitive) {
      const res = await call('PutSecretValue', body);
      assertRawError(res, 'SerializationException', message);
      assertNoEcho(res);
    }
  });

  it('answers a missing required member with the model text', async () => {
    assertRawError(
      await call('DescribeSecret', {}),
      'ValidationException',
      "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    );
    assertRawError(await call('DescribeSecret', ''), 'ValidationException', /Value null at 'secretId'/);
  });

  it('requires ClientRequestToken on CreateSecret, UpdateSecret, PutSecretValue and RotateSecret, before existence', async () => {
    assertRawError(await call('CreateSecret', { Name: 'tokenless', SecretString: MARK }), 'InvalidRequestException', TOKEN_REQUIRED);
    assertRawError(await call('UpdateSecret', { SecretId: 'existing', SecretString: MARK }), 'InvalidRequestException', TOKEN_REQUIRED);
    assertRawError(await call('PutSecretValue', { SecretId: 'existing', SecretString: MARK }), 'InvalidRequestException', TOKEN_REQUIRED);
    assertRawError(await call('PutSecretValue', { SecretId: 'no-such-secret', SecretString: MARK }), 'InvalidRequestException', TOKEN_REQUIRED);
    assertRawError(await call('UpdateSecret', { SecretId: 'no-such-secret', Description: 'x' }), 'InvalidRequestException', TOKEN_REQUIRED);
    // RotateSecret: the same text, as InvalidParameterException (as AWS answers)
    assertRawError(await call('RotateSecret', { SecretId: 'existing' }), 'InvalidParameterException', TOKEN_REQUIRED);
    assertRawError(await call('RotateSecret', { SecretId: 'no-such-secret', RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:f' }), 'InvalidParameterException', TOKEN_REQUIRED);
  });

  it('refuses a SecretString of 65537 characters with ValidationException, without the value', async () => {
    const value = MARK + 'x'.repeat(65537 - MARK.length);
    for (const [op, extra] of [['CreateSecret', { Name: 'too-big' }], ['PutSecretValue', { SecretId: 'existing' }]] as const) {
      const res = await call(op, { ...extra, ClientRequestToken: token(), SecretString: value });
      assertRawError(
        res,
        'ValidationException',
        "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
      );
      assertNoEcho(res);
    }
    const binary = await call('PutSecretValue', { SecretId: 'existing', ClientRequestToken: token(), SecretBinary: Buffer.alloc(65537, 1).toString('base64') });
    assertRawError(binary, 'ValidationException', /Value at 'secretBinary' failed to satisfy constraint: Member must have length less than or equal to 65536/);
  });

  it('answers a body over 1 MiB with 413', async () => {
    const body = JSON.stringify({ Name: 'huge', ClientRequestToken: token(), SecretString: MARK.repeat(70_000) });
    assert.ok(body.length > 1024 * 1024);
    const res = await call('CreateSecret', body);
    assert.equal(res.status, 413);
    assertNoEcho(res);
  });

  it('lists every violation together, quoting non-sensitive values only', async () => {
    const res = await call('CreateSecret', { Name: '', ClientRequestToken: 'short', SecretString: '' });
    assertRawError(
      res,
      'ValidationException',
      "3 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value 'short' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32; " +
        "Value at 'secretString' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});

describe('routing', () => {
  it('answers an unknown operation, an unknown service prefix and a missing X-Amz-Target', async () => {
    assertRawError(await call('Nope', {}), 'UnknownOperationException');
    assertRawError(await call('GetSecretValue', { SecretId: 'existing' }, 'nosuchservice.GetSecretValue'), 'UnknownOperationException');
    const missing = await rawRequest(server.endpoint, JSON.stringify({ SecretId: 'existing' }), { credentials: server.credentials });
    assertRawError(missing, 'UnknownOperationException');
    assertNoEcho(missing);
  });

  it('gives every Secrets Manager error HTTP 400, x-amzn-ErrorType and a bare __type', async () => {
    const cases: Array<[string, unknown, string, string | RegExp | undefined]> = [
      ['DescribeSecret', { SecretId: 'missing' }, 'ResourceNotFoundException', SECRET_NOT_FOUND],
      ['DescribeSecret', { SecretId: 'a b' }, 'ValidationException', INVALID_NAME],
      ['CreateSecret', { Name: 'existing', ClientRequestToken: token(), SecretString: 'x' }, 'ResourceExistsException', 'The operation failed because the secret existing already exists.'],
      ['GetSecretValue', { SecretId: 'empty' }, 'ResourceNotFoundException', /for staging label: AWSCURRENT$/],
      ['DeleteSecret', { SecretId: 'existing', RecoveryWindowInDays: 3 }, 'InvalidParameterException', /RecoveryWindowInDays/],
      ['ListSecrets', { NextToken: 'bad' }, 'InvalidNextTokenException', undefined],
      ['GetRandomPassword', { PasswordLength: 2 }, 'InvalidParameterException', undefined],
    ];
    for (const [op, body, type, message] of cases) {
      const res = await call(op, body);
      assertRawError(res, type, message);
      assert.deepEqual(Object.keys(res.json!).sort(), ['Message', '__type']);
      assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.1');
      assert.ok(res.headers.get('x-amzn-requestid'));
    }
  });
});

describe('wire format', () => {
  it('sends SecretBinary as base64, dates as epoch seconds, and AWS member names', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 2]);
    const created = await call('CreateSecret', { Name: 'wire-binary', ClientRequestToken: token(), SecretBinary: bytes.toString('base64') });
    assert.equal(created.status, 200);
    const value = await call('GetSecretValue', { SecretId: 'wire-binary' });
    assert.equal(value.json?.SecretBinary, bytes.toString('base64'));
    assert.equal(typeof value.json?.CreatedDate, 'number');
    assert.ok(Math.abs((value.json!.CreatedDate as number) * 1000 - Date.now()) < 60_000);
    const described = await call('DescribeSecret', { SecretId: 'wire-binary' });
    assert.deepEqual(Object.keys(described.json!.VersionIdsToStages as object).length, 1);
    assert.equal(typeof described.json?.LastChangedDate, 'number');
    const listed = await call('ListSecrets', { Filters: [{ Key: 'name', Values: ['wire-binary'] }] });
    const entry = (listed.json!.SecretList as Array<Record<string, unknown>>)[0];
    assert.ok(entry.SecretVersionsToStages);
    assert.equal('VersionIdsToStages' in entry, false);
    assert.equal('NextToken' in listed.json!, false);
    // tidy up, so the store is as it was for the afterEach check
    assert.equal((await call('DeleteSecret', { SecretId: 'wire-binary', ForceDeleteWithoutRecovery: true })).status, 200);
  });

  it('survives deeply nested junk in an unknown member', async () => {
    const depth = 200_000;
    const res = await call('DescribeSecret', `{"SecretId":"existing","Junk":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    assert.equal(res.status, 200);
    assert.equal(res.json?.Name, 'existing');
  });
});
