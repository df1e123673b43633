// Round trips with the official signer: requests signed by @smithy/signature-v4 (and by the real SDK
// clients) verify; any change to what was signed is refused with AWS's exact error.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsError } from '../../errors/aws-errors.ts';
import { SIGNATURE_MISMATCH_MESSAGE } from './sigv4-errors.ts';
import { signWithSmithy, smithySigner, withAuthParam, withHeaders, type SignInput } from './test-signer.ts';
import type { SignedRequest, VerifyOptions } from './types.ts';
import { createSigningKeyCache, verifySigV4 } from './index.ts';

const KEY = { accessKeyId: 'AKIACOFFERTEST000001', secretAccessKey: 'coffer/secret+key/0123456789abcdefghijklmn' };
const SIGNED_AT = new Date('2026-11-27T10:30:00Z');
const BODY = '{"SecretId":"prod/db/password"}';

const base: SignInput = {
  credentials: KEY,
  region: 'us-east-1',
  service: 'secretsmanager',
  signingDate: SIGNED_AT,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
  body: BODY,
};

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    service: 'secretsmanager',
    now: SIGNED_AT,
    lookupSecretKey: async (id) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined),
    ...overrides,
  };
}

async function rejects(request: SignedRequest, opts: VerifyOptions, code: string, message: string): Promise<void> {
  await assert.rejects(verifySigV4(request, opts), (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    assert.equal(e.status, 400);
    return true;
  });
}

function mismatch(request: SignedRequest, opts: VerifyOptions = options()): Promise<void> {
  return rejects(request, opts, 'InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
}

describe('requests signed by @smithy/signature-v4', () => {
  it('verify, with the caller the credential scope names', async () => {
    const caller = await verifySigV4(await signWithSmithy(base), options());
    assert.deepEqual(caller, {
      accessKeyId: KEY.accessKeyId,
      region: 'us-east-1',
      service: 'secretsmanager',
      signingDate: SIGNED_AT,
    });
  });

  it('verify without X-Amz-Content-Sha256 (payload hashed from the body)', async () => {
    const request = await signWithSmithy({ ...base, applyChecksum: false });
    assert.equal(request.headers['x-amz-content-sha256'], undefined);
    assert.equal((await verifySigV4(request, options())).service, 'secretsmanager');
  });

  it('verify from rawHeaders too, and ignore headers that were not signed', async () => {
    const signed = await signWithSmithy(base);
    const rawHeaders = Object.entries(signed.headers).flatMap(([k, v]) => [k.toUpperCase(), String(v)]);
    const request = { ...signed, rawHeaders: [...rawHeaders, 'User-Agent', 'curl/8', 'X-Forwarded-For', '10.0.0.1'] };
    assert.equal((await verifySigV4(request, options())).accessKeyId, KEY.accessKeyId);
  });

  it('verify with a signed session token, which the key lookup is given', async () => {
    const request = await signWithSmithy({ ...base, credentials: { ...KEY, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token==' } });
    assert.match(String(request.headers.authorization), /SignedHeaders=[^,]*x-amz-security-token/);
    const tokens: Array<string | undefined> = [];
    const lookupSecretKey = async (id: string, token: string | undefined) => (tokens.push(token), KEY.secretAccessKey);
    assert.equal((await verifySigV4(request, options({ lookupSecretKey }))).accessKeyId, KEY.accessKeyId);
    assert.deepEqual(tokens, ['FwoGZXIvYXdzEXAMPLE//token==']);
    await mismatch(withHeaders(request, { 'x-amz-security-token': 'FwoGZXIvYXdzEXAMPLE//other==' }), options({ lookupSecretKey }));
  });

  it('refuse a session token the key lookup does not accept (a long-term key)', async () => {
    const request = await signWithSmithy({ ...base, credentials: { ...KEY, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token==' } });
    const longTermOnly = options({ lookupSecretKey: async (id, token) => (token === undefined ? KEY.secretAccessKey : undefined) });
    await rejects(request, longTermOnly, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  it('verify a non-root path and an encoded query exactly as the signer canonicalised them', async () => {
    const request = await signWithSmithy({
      ...base,
      method: 'GET',
      path: '/a%20b/./c/../d//e%2Ff/',
      query: { 'b key': 'v/1', a: "it's (1+1)*2!", '\u1234': '\u00e9', empty: '' },
      body: '',
    });
    assert.equal((await verifySigV4(request, options())).service, 'secretsmanager');
  });

  it('verify when one endpoint serves several services, and say which one was signed for', async () => {
    const request = await signWithSmithy({ ...base, service: 'kms' });
    assert.equal((await verifySigV4(request, options({ service: ['secretsmanager', 'kms'] }))).service, 'kms');
  });

  it('verify through a shared signing-key cache, repeatedly', async () => {
    const signingKeys = createSigningKeyCache(4);
    const request = await signWithSmithy(base);
    for (let i = 0; i < 3; i++) assert.equal((await verifySigV4(request, options({ signingKeys }))).region, 'us-east-1');
    await mismatch(request, options({ signingKeys, lookupSecretKey: async () => 'another-secret' }));
  });

  it('refuse a changed body', async () => {
    const signed = await signWithSmithy(base);
    await rejects({ ...signed, body: Buffer.from('{"SecretId":"prod/db/other"}') }, options(), 'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.");
    const unannounced = await signWithSmithy({ ...base, applyChecksum: false });
    await mismatch({ ...unannounced, body: Buffer.from('{"SecretId":"prod/db/other"}') });
  });

  it('refuse a body swapped together with a matching X-Amz-Content-Sha256', async () => {
    const signed = await signWithSmithy(base);
    const body = Buffer.from('{"SecretId":"prod/db/other"}');
    const hash = createHash('sha256').update(body).digest('hex');
    await mismatch({ ...withHeaders(signed, { 'x-amz-content-sha256': hash }), body });
  });

  it('refuse UNSIGNED-PAYLOAD: JSON bodies are always covered by the signature', async () => {
    const request = await signWithSmithy({ ...base, headers: { ...base.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    await mismatch(request);
  });

  it('refuse a changed signed header, method, path or query', async () => {
    const signed = await signWithSmithy(base);
    await mismatch(withHeaders(signed, { 'x-amz-target': 'secretsmanager.DeleteSecret' }));
    await mismatch({ ...signed, method: 'PUT' });
    await mismatch({ ...signed, path: '/other' });
    await mismatch({ ...signed, query: 'x=1' });
  });

  it('refuse a changed X-Amz-Date (same day, still within the skew window)', async () => {
    const signed = await signWithSmithy(base);
    await mismatch(withHeaders(signed, { 'x-amz-date': '20261127T103001Z' }));
  });

  it('refuse a wrong secret key', async () => {
    await mismatch(await signWithSmithy({ ...base, credentials: { ...KEY, secretAccessKey: 'not-the-secret' } }));
  });

  it('refuse a signature that is not 64 characters', async () => {
    const signed = await signWithSmithy(base);
    await mismatch(withAuthParam(signed, 'Signature', 'abc123'));
  });

  it('accept the HTTP Date header in place of X-Amz-Date', async () => {
    // The signer always sets X-Amz-Date, so the canonical request is written out by hand (per the spec)
    // and only the signing step is the signer's.
    const httpDate = 'Fri, 27 Nov 2026 10:30:00 GMT';
    const bodyHash = createHash('sha256').update(BODY).digest('hex');
    const canonical = ['POST', '/', '', 'date:' + httpDate, 'host:localhost:4566', 'x-amz-target:secretsmanager.GetSecretValue',
      '', 'date;host;x-amz-target', bodyHash].join('\n');
    const scope = '20261127/us-east-1/secretsmanager/aws4_request';
    const toSign = ['AWS4-HMAC-SHA256', '20261127T103000Z', scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    const signature = await smithySigner(KEY, 'us-east-1', 'secretsmanager').sign(toSign, { signingDate: SIGNED_AT });
    const request: SignedRequest = {
      method: 'POST', path: '/', query: '', body: Buffer.from(BODY),
      headers: {
        date: httpDate, host: 'localhost:4566', 'x-amz-target': 'secretsmanager.GetSecretValue',
        authorization: `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${scope}, SignedHeaders=date;host;x-amz-target, Signature=${signature}`,
      },
    };
    assert.equal((await verifySigV4(request, options())).signingDate.toISOString(), SIGNED_AT.toISOString());
    await mismatch(withHeaders(request, { date: 'Fri, 27 Nov 2026 10:30:01 GMT' }));
  });
});

describe('requests from the real SDK clients', () => {
  type Capture = (next: unknown) => (args: { request: unknown }) => Promise<never>;

  // Stops a command right after signing and hands over the request as it would go on the wire.
  function capture(install: (middleware: Capture) => void): Promise<SignedRequest> {
    return new Promise((resolve) => {
      install(() => async (args) => {
        const req = args.request as { method: string; path: string; headers: Record<string, string>; body: string };
        resolve({ method: req.method, path: req.path, query: '', headers: req.headers, body: Buffer.from(req.body) });
        throw new Error('captured');
      });
    });
  }
  const AFTER_SIGNING = { step: 'finalizeRequest', priority: 'low' } as const;
  const config = { region: 'eu-west-1', endpoint: 'http://localhost:4566', maxAttempts: 1, credentials: KEY };

  it('SecretsManagerClient GetSecretValue verifies as secretsmanager', async () => {
    const client = new SecretsManagerClient(config);
    const captured = capture((middleware) => client.middlewareStack.add(middleware, AFTER_SIGNING));
    await client.send(new GetSecretValueCommand({ SecretId: 'prod/db' })).catch(() => undefined);
    const caller = await verifySigV4(await captured, options({ now: new Date() }));
    assert.deepEqual([caller.service, caller.region], ['secretsmanager', 'eu-west-1']);
  });

  it('KMSClient ListKeys verifies on a shared endpoint, and not as secretsmanager', async () => {
    const client = new KMSClient({ ...config, credentials: { ...KEY, sessionToken: 'session-token' } });
    const captured = capture((middleware) => client.middlewareStack.add(middleware, AFTER_SIGNING));
    await client.send(new ListKeysCommand({})).catch(() => undefined);
    const request = await captured;
    const tokens: Array<string | undefined> = [];
    const lookupSecretKey = async (id: string, token: string | undefined) => (tokens.push(token), KEY.secretAccessKey);
    const caller = await verifySigV4(request, options({ now: new Date(), service: ['secretsmanager', 'kms'], lookupSecretKey }));
    assert.deepEqual([caller.service, tokens], ['kms', ['session-token']]);
    await rejects(request, options({ now: new Date() }), 'InvalidSignatureException',
      "Credential should be scoped to correct service: 'secretsmanager'. ");
  });
});
