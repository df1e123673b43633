// Every refusal, with the exact error type and text AWS JSON services give (see sigv4-errors.ts for sources).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../errors/aws-errors.ts';
import { signWithSmithy, withAuthParam, withHeaders } from './test-signer.ts';
import type { SignedRequest, VerifyOptions } from './types.ts';
import { createSigningKeyCache, readCredentialScope, verifySigV4 } from './index.ts';

const KEY = { accessKeyId: 'AKIACOFFERTEST000001', secretAccessKey: 'coffer/secret+key/0123456789abcdefghijklmn' };
const SIGNED_AT = new Date('2026-11-27T10:30:00Z');
const SCOPE = '20261127/us-east-1/secretsmanager/aws4_request';

function sign(signingDate = SIGNED_AT, service = 'secretsmanager', region = 'us-east-1'): Promise<SignedRequest> {
  return signWithSmithy({
    credentials: KEY, region, service, signingDate,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
    body: '{}',
  });
}

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    service: 'secretsmanager',
    now: SIGNED_AT,
    lookupSecretKey: async (id) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined),
    ...overrides,
  };
}

async function rejects(request: SignedRequest, code: string, message: string, opts: VerifyOptions = options()): Promise<void> {
  await assert.rejects(verifySigV4(request, opts), (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.deepEqual({ code: e.code, message: e.message, status: e.status }, { code, message, status: 400 });
    return true;
  });
}

function withAuthorization(request: SignedRequest, authorization: string | undefined): SignedRequest {
  return withHeaders(request, { authorization });
}

describe('missing or foreign authentication', () => {
  it('no Authorization header: MissingAuthenticationTokenException', async () => {
    await rejects(withAuthorization(await sign(), undefined), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  it('an Authorization header of another scheme is no AWS token either', async () => {
    await rejects(withAuthorization(await sign(), 'Bearer eyJhbGciOi.secret'), 'MissingAuthenticationTokenException',
      'Missing Authentication Token');
  });

  it('presigned query authentication is refused as unsupported, not as missing', async () => {
    const request = { ...withAuthorization(await sign(), undefined), query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00' };
    await rejects(request, 'IncompleteSignatureException',
      'Query-string (presigned) authentication is not supported; sign the request with an Authorization header.');
  });

  it('another AWS4 algorithm', async () => {
    await rejects(withAuthorization(await sign(), `AWS4-HMAC-SHA1 Credential=${KEY.accessKeyId}/${SCOPE}`),
      'IncompleteSignatureException', "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ");
  });
});

describe('incomplete Authorization header', () => {
  it('names every missing part, echoes the header without its signature', async () => {
    const request = withHeaders(await sign(), {
      authorization: 'AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date',
      'x-amz-date': undefined,
    });
    await rejects(request, 'IncompleteSignatureException',
      "Authorization header requires 'Credential' parameter. " +
        "Authorization header requires 'Signature' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        'Authorization=AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date');
  });

  it('a bare algorithm lacks all three parameters', async () => {
    await rejects(withAuthorization(await sign(), 'AWS4-HMAC-SHA256'), 'IncompleteSignatureException',
      "Authorization header requires 'Credential' parameter. " +
        "Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. " +
        'Authorization=AWS4-HMAC-SHA256');
  });

  it('missing SignedHeaders, with the signature value redacted from the echo', async () => {
    const signed = await sign();
    const signature = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
    const request = withAuthorization(signed, `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${SCOPE}, Signature=${signature}`);
    await rejects(request, 'IncompleteSignatureException',
      "Authorization header requires 'SignedHeaders' parameter. " +
        `Authorization=AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${SCOPE}, Signature=<redacted>`);
  });

  it('a parameter without "=" (a space after "Credential=")', async () => {
    const request = withAuthorization(await sign(),
      `AWS4-HMAC-SHA256 Credential= ${KEY.accessKeyId}/${SCOPE}, SignedHeaders=host, Signature=abc`);
    await rejects(request, 'IncompleteSignatureException',
      `'${KEY.accessKeyId}/${SCOPE}' not a valid key=value pair (missing equal-sign) in Authorization header: ` +
        `'AWS4-HMAC-SHA256 Credential= ${KEY.accessKeyId}/${SCOPE}, SignedHeaders=host, Signature=<redacted>'.`);
  });

  it('a detached signature value is not echoed anywhere', async () => {
    const hex = 'ab'.repeat(32);
    const request = withAuthorization(await sign(),
      `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${SCOPE}, SignedHeaders=host, Signature= ${hex}`);
    await rejects(request, 'IncompleteSignatureException',
      `'<redacted>' not a valid key=value pair (missing equal-sign) in Authorization header: ` +
        `'AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${SCOPE}, SignedHeaders=host, Signature=<redacted>'.`);
  });

  it('a Credential without five parts', async () => {
    await rejects(withAuthParam(await sign(), 'Credential', `${KEY.accessKeyId}/20261127/us-east-1/secretsmanager`),
      'IncompleteSignatureException',
      'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,' +
        ` got '${KEY.accessKeyId}/20261127/us-east-1/secretsmanager'`);
  });

  it('an X-Amz-Date that is not ISO 8601 basic format', async () => {
    await rejects(withHeaders(await sign(), { 'x-amz-date': '2026-11-27T10:30:00Z' }), 'IncompleteSignatureException',
      "Date must be in ISO-8601 'basic format'. Got '2026-11-27T10:30:00Z'. See http://en.wikipedia.org/wiki/ISO_8601");
    await rejects(withHeaders(await sign(), { 'x-amz-date': '20261131T103000Z' }), 'IncompleteSignatureException',
      "Date must be in ISO-8601 'basic format'. Got '20261131T103000Z'. See http://en.wikipedia.org/wiki/ISO_8601");
  });

  it('host must be signed', async () => {
    await rejects(withAuthParam(await sign(), 'SignedHeaders', 'content-type;x-amz-date;x-amz-target'), 'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  });

  it('a signed header the request does not carry', async () => {
    await rejects(withHeaders(await sign(), { 'x-amz-target': undefined }), 'IncompleteSignatureException',
      "'x-amz-target' is named as a SignedHeader, but it does not exist in the HTTP request.");
  });
});

describe('headers that must be signed, and sent once', () => {
  it('every x-amz-* header the request carries must be signed, in the text AWS uses for Host', async () => {
    const signed = await sign();
    await rejects(withAuthParam(signed, 'SignedHeaders', 'content-type;host;x-amz-content-sha256;x-amz-date'),
      'InvalidSignatureException', "'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.");
    await rejects(withHeaders(signed, { 'x-amz-security-token': 'token' }), 'InvalidSignatureException',
      "'x-amz-security-token' must be a 'SignedHeader' in the AWS Authorization.");
    await rejects({ ...signed, rawHeaders: ['X-Amz-Extra', 'x', ...Object.entries(signed.headers).flat() as string[]] },
      'InvalidSignatureException', "'x-amz-extra' must be a 'SignedHeader' in the AWS Authorization.");
  });

  it('x-amzn-trace-id and other headers outside x-amz-* may stay unsigned', async () => {
    const request = withHeaders(await sign(), { 'x-amzn-trace-id': 'Root=1-00000000-000000000000000000000000', 'user-agent': 'x' });
    assert.equal((await verifySigV4(request, options())).accessKeyId, KEY.accessKeyId);
  });

  it('a second Authorization, X-Amz-Date, X-Amz-Security-Token or X-Amz-Content-Sha256 line', async () => {
    const signed = await sign();
    const lines = Object.entries(signed.headers).flat() as string[];
    for (const [name, shown] of [['authorization', 'Authorization'], ['x-amz-date', 'X-Amz-Date'], ['x-amz-content-sha256', 'X-Amz-Content-Sha256']]) {
      await rejects({ ...signed, rawHeaders: [...lines, name, String(signed.headers[name])] }, 'IncompleteSignatureException',
        `The request carries 2 '${shown}' headers; send exactly one.`);
    }
    await rejects({ ...signed, rawHeaders: [...lines, 'X-Amz-Security-Token', 'a', 'x-amz-security-token', 'b'] },
      'IncompleteSignatureException', "The request carries 2 'X-Amz-Security-Token' headers; send exactly one.");
  });

  it('SignedHeaders not lowercase, not sorted, repeated or with an empty name', async () => {
    const signed = await sign();
    for (const list of ['content-type;Host;x-amz-date', 'host;content-type;x-amz-date', 'content-type;host;host;x-amz-date', 'content-type;;host']) {
      await rejects(withAuthParam(signed, 'SignedHeaders', list), 'IncompleteSignatureException',
        `SignedHeaders must list lowercase header names, sorted and each once, separated by ';'. Got '${list}'.`);
    }
  });

  it('an empty SignedHeaders leaves Host unsigned', async () => {
    await rejects(withAuthParam(await sign(), 'SignedHeaders', ''), 'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  });
});

describe('clock skew (15 minutes either way)', () => {
  it('too old: "Signature expired", in the exact format SDKs parse', async () => {
    const request = await sign(new Date('2026-11-27T10:15:00Z'));
    await rejects(request, 'InvalidSignatureException',
      'Signature expired: 20261127T101500Z is now earlier than 20261127T103000Z (20261127T104500Z - 15 min.)',
      options({ now: new Date('2026-11-27T10:45:00Z') }));
  });

  it('too new: "Signature not yet current"', async () => {
    const request = await sign(new Date('2026-11-27T10:45:00Z'));
    await rejects(request, 'InvalidSignatureException',
      'Signature not yet current: 20261127T104500Z is still later than 20261127T103000Z (20261127T101500Z + 15 min.)',
      options({ now: new Date('2026-11-27T10:15:00Z') }));
  });

  it('exactly 15 minutes either way still verifies; server milliseconds are ignored', async () => {
    const request = await sign();
    for (const now of ['2026-11-27T10:45:00.999Z', '2026-11-27T10:15:00Z']) {
      assert.equal((await verifySigV4(request, options({ now: new Date(now) }))).accessKeyId, KEY.accessKeyId);
    }
    await rejects(request, 'InvalidSignatureException',
      'Signature expired: 20261127T103000Z is now earlier than 20261127T103001Z (20261127T104501Z - 15 min.)',
      options({ now: new Date('2026-11-27T10:45:01Z') }));
  });

  it('skew is checked before the credential, as AWS does', async () => {
    const request = withAuthParam(await sign(), 'Credential', 'nonsense');
    await rejects(request, 'InvalidSignatureException',
      'Signature expired: 20261127T103000Z is now earlier than 20261127T110000Z (20261127T111500Z - 15 min.)',
      options({ now: new Date('2026-11-27T11:15:00Z') }));
  });
});

describe('credential scope', () => {
  it('wrong service', async () => {
    await rejects(await sign(SIGNED_AT, 'kms'), 'InvalidSignatureException',
      "Credential should be scoped to correct service: 'secretsmanager'. ");
  });

  it('wrong service among several expected names the first', async () => {
    await rejects(await sign(SIGNED_AT, 's3'), 'InvalidSignatureException',
      "Credential should be scoped to correct service: 'secretsmanager'. ", options({ service: ['secretsmanager', 'kms'] }));
  });

  it('a region the server does not serve', async () => {
    await rejects(await sign(SIGNED_AT, 'secretsmanager', 'eu-west-3'), 'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'eu-west-3'. ",
      options({ isValidRegion: (region) => region === 'us-east-1' }));
  });

  it('scope date must be the X-Amz-Date day', async () => {
    await rejects(withAuthParam(await sign(), 'Credential', `${KEY.accessKeyId}/20261126/us-east-1/secretsmanager/aws4_request`),
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261126' != '20261127', " +
        "from '20261127T103000Z'.");
  });

  it('every scope problem in one message, in AWS order', async () => {
    await rejects(withAuthParam(await sign(), 'Credential', `${KEY.accessKeyId}/b/Not_A_Region/dynamodb/aws5_request`),
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'Not_A_Region'. " +
        "Credential should be scoped to correct service: 'secretsmanager'. " +
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'b' != '20261127', " +
        "from '20261127T103000Z'.");
  });
});

describe('access key', () => {
  it('unknown access key id: UnrecognizedClientException', async () => {
    await rejects(await sign(), 'UnrecognizedClientException', 'The security token included in the request is invalid.',
      options({ lookupSecretKey: async () => undefined }));
  });

  it('a session token in the query reaches the key lookup as one in the header would', async () => {
    const tokens: Array<string | undefined> = [];
    const signed = await signWithSmithy({
      credentials: KEY, region: 'us-east-1', service: 'secretsmanager', signingDate: SIGNED_AT,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
      query: { 'X-Amz-Security-Token': 'query-token' }, body: '{}',
    });
    await rejects(signed, 'UnrecognizedClientException', 'The security token included in the request is invalid.',
      options({ lookupSecretKey: async (id, token) => (tokens.push(token), token === undefined ? KEY.secretAccessKey : undefined) }));
    assert.deepEqual(tokens, ['query-token']);
  });
});

describe('readCredentialScope (no verification)', () => {
  it('reads the claimed key, region and service', async () => {
    assert.deepEqual(readCredentialScope(await sign(SIGNED_AT, 'kms', 'ap-south-1')),
      { accessKeyId: KEY.accessKeyId, region: 'ap-south-1', service: 'kms' });
  });

  it('is undefined when there is nothing to read', async () => {
    assert.equal(readCredentialScope(withAuthorization(await sign(), undefined)), undefined);
    assert.equal(readCredentialScope(withAuthParam(await sign(), 'Credential', 'AKID/20261127')), undefined);
  });
});

describe('signing-key cache', () => {
  it('memoises per (secret, date, region, service) and stays bounded', () => {
    const cache = createSigningKeyCache(2);
    const first = cache.get('s', '20261127', 'us-east-1', 'kms');
    assert.equal(cache.get('s', '20261127', 'us-east-1', 'kms'), first);
    assert.notEqual(cache.get('s', '20261127', 'us-east-1', 'secretsmanager'), first);
    cache.get('s', '20261128', 'us-east-1', 'kms'); // evicts the oldest entry
    const again = cache.get('s', '20261127', 'us-east-1', 'kms');
    assert.notEqual(again, first);
    assert.deepEqual(again, first);
  });
});
