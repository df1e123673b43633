// SigV4 at the API edge: wrong secret, unknown key, clock skew both ways (SDK systemClockOffset and raw
// past dates), missing auth, tampered requests, credentials scoped to another service. Each answers the
// AWS error type with HTTP 400, and none changes the store.
import { after, before, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { assertRawError, expectAwsError, rawRequest, scopeState, token } from './helpers.ts';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let server: TestServer;
let sm: SecretsManagerClient;
let baseline: unknown;
const extra: SecretsManagerClient[] = [];

before(async () => {
  server = await startTestServer();
  sm = server.client();
  await sm.send(new CreateSecretCommand({ Name: 'guarded', SecretString: 'inside' }));
});
after(async () => {
  extra.forEach((c) => c.destroy());
  await server.close();
});
beforeEach(async () => {
  baseline = await scopeState(sm);
});
afterEach(async () => {
  assert.deepEqual(await scopeState(sm), baseline, 'the store changed');
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'guarded' }))).SecretString, 'inside');
});

function clientWith(options: { accessKeyId?: string; secretAccessKey?: string; systemClockOffset?: number }): SecretsManagerClient {
  const c = new SecretsManagerClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: {
      accessKeyId: options.accessKeyId ?? server.credentials.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? server.credentials.secretAccessKey,
    },
    maxAttempts: 1,
    systemClockOffset: options.systemClockOffset,
  });
  extra.push(c);
  return c;
}

const create = (client: SecretsManagerClient) => client.send(new CreateSecretCommand({ Name: `never-${token()}`, SecretString: 'x' }));
const body = JSON.stringify({ SecretId: 'guarded' });

describe('SigV4 through the SDK', () => {
  it('refuses a wrong secret key with InvalidSignatureException', async () => {
    const client = clientWith({ secretAccessKey: 'wrong-secret-key-0000000000000000000000' });
    await expectAwsError(create(client), 'InvalidSignatureException', MISMATCH);
    await expectAwsError(client.send(new GetSecretValueCommand({ SecretId: 'guarded' })), 'InvalidSignatureException', MISMATCH);
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const client = clientWith({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00' });
    await expectAwsError(create(client), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  it('refuses a clock 20 minutes behind or ahead', async () => {
    await expectAwsError(
      create(clientWith({ systemClockOffset: -20 * 60_000 })),
      'InvalidSignatureException',
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    );
    await expectAwsError(
      create(clientWith({ systemClockOffset: 20 * 60_000 })),
      'InvalidSignatureException',
      /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/,
    );
    // ten minutes is within AWS's allowance
    const near = await clientWith({ systemClockOffset: -10 * 60_000 }).send(new ListSecretsCommand({}));
    assert.ok(near.SecretList!.length >= 1);
  });
});

describe('SigV4 on raw requests', () => {
  const target = 'secretsmanager.GetSecretValue';

  it('answers a request signed an hour ago with InvalidSignatureException', async () => {
    const res = await rawRequest(server.endpoint, body, { credentials: server.credentials, target, signingDate: new Date(Date.now() - 3600_000) });
    assertRawError(res, 'InvalidSignatureException', /^Signature expired: /);
  });

  it('answers an unsigned request with MissingAuthenticationTokenException', async () => {
    const res = await rawRequest(server.endpoint, body, { target, sign: false });
    assertRawError(res, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    assert.equal(res.text.includes('inside'), false);
  });

  it('refuses a body or a target changed after signing', async () => {
    const swapped = await rawRequest(server.endpoint, body, {
      credentials: server.credentials,
      target,
      sendBody: JSON.stringify({ SecretId: 'guarded', VersionStage: 'AWSPREVIOUS' }),
    });
    assertRawError(swapped, 'InvalidSignatureException');
    const retargeted = await rawRequest(server.endpoint, JSON.stringify({ SecretId: 'guarded', ForceDeleteWithoutRecovery: true }), {
      credentials: server.credentials,
      target,
      tamper: (h) => {
        h['x-amz-target'] = 'secretsmanager.DeleteSecret';
      },
    });
    assertRawError(retargeted, 'InvalidSignatureException', MISMATCH);
    const resigned = await rawRequest(server.endpoint, body, {
      credentials: server.credentials,
      target,
      tamper: (h) => {
        h.authorization = h.authorization.replace(/Signature=[0-9a-f]{64}/, `Signature=${'0'.repeat(64)}`);
      },
    });
    assertRawError(resigned, 'InvalidSignatureException', MISMATCH);
  });

  it('refuses credentials scoped to another service', async () => {
    const res = await rawRequest(server.endpoint, body, { credentials: server.credentials, target, service: 'kms' });
    assertRawError(res, 'InvalidSignatureException', "Credential should be scoped to correct service: 'secretsmanager'. ");
    assert.equal(res.text.includes('inside'), false);
  });

  it('serves a correctly signed raw request', async () => {
    const res = await rawRequest(server.endpoint, body, { credentials: server.credentials, target });
    assert.equal(res.status, 200);
    assert.equal(res.json?.SecretString, 'inside');
  });
});
