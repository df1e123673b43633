// AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite, 2015-08-30 edition): fixed
// credentials, time and scope, and for each request the signature AWS computed. Requests are given as
// they arrive on the wire (raw path and query, raw header lines); the expected signatures are copied from
// the suite (also carried by smithy-lang/smithy-typescript packages/signature-v4/src/suite.fixture.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalRequest } from './canonical-request.ts';
import { headerReader } from './header-values.ts';
import { SIGNATURE_MISMATCH_MESSAGE } from './sigv4-errors.ts';
import { deriveSigningKey } from './signing-key.ts';
import { stringToSign } from './string-to-sign.ts';
import type { SignedRequest } from './types.ts';
import { verifySigV4 } from './verify-sigv4.ts';
import { AwsError } from '../../errors/aws-errors.ts';

const ACCESS_KEY = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2015-08-30T12:36:00Z');
const HOST = ['Host', 'example.amazonaws.com'];
const DATE = ['X-Amz-Date', '20150830T123600Z'];
const TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwt' +
  'hAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAk' +
  'iY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Vector {
  name: string;
  method: string;
  path: string;
  query: string;
  /** Header lines as sent, in order (name, value pairs), without Authorization. */
  headers: string[][];
  body?: string;
  signedHeaders: string;
  signature: string;
}

const vectors: Vector[] = [
  { name: 'get-vanilla', method: 'GET', path: '/', query: '', headers: [HOST, DATE], signedHeaders: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'post-vanilla', method: 'POST', path: '/', query: '', headers: [HOST, DATE], signedHeaders: 'host;x-amz-date',
    signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  { name: 'get-vanilla-query-order-key-case', method: 'GET', path: '/', query: 'Param2=value2&Param1=value1',
    headers: [HOST, DATE], signedHeaders: 'host;x-amz-date',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
  { name: 'get-vanilla-empty-query-key', method: 'GET', path: '/', query: 'Param1=value1', headers: [HOST, DATE],
    signedHeaders: 'host;x-amz-date', signature: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb' },
  { name: 'get-vanilla-query-unreserved', method: 'GET', path: '/', query: `${UNRESERVED}=${UNRESERVED}`,
    headers: [HOST, DATE], signedHeaders: 'host;x-amz-date',
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197' },
  { name: 'get-vanilla-utf8-query', method: 'GET', path: '/', query: '%E1%88%B4=bar', headers: [HOST, DATE],
    signedHeaders: 'host;x-amz-date', signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04' },
  { name: 'get-unreserved', method: 'GET', path: `/${UNRESERVED}`, query: '', headers: [HOST, DATE],
    signedHeaders: 'host;x-amz-date', signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f' },
  // The suite's request line carries the raw character; the canonical URI is its single encoding.
  { name: 'get-utf8', method: 'GET', path: '/\u1234', query: '', headers: [HOST, DATE],
    signedHeaders: 'host;x-amz-date', signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85' },
  { name: 'get-header-key-duplicate', method: 'GET', path: '/', query: '',
    headers: [HOST, ['My-Header1', 'value2'], ['My-Header1', 'value2'], ['My-Header1', 'value1'], DATE],
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea' },
  { name: 'get-header-value-order', method: 'GET', path: '/', query: '',
    headers: [HOST, ['My-Header1', 'value4'], ['My-Header1', 'value1'], ['My-Header1', 'value3'],
      ['My-Header1', 'value2'], DATE],
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01' },
  { name: 'get-header-value-trim', method: 'GET', path: '/', query: '',
    headers: [HOST, ['My-Header1', ' value1'], ['My-Header2', ' "a   b   c"'], DATE],
    signedHeaders: 'host;my-header1;my-header2;x-amz-date',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736' },
  { name: 'post-header-key-sort', method: 'POST', path: '/', query: '', headers: [HOST, ['My-Header1', 'value1'], DATE],
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c' },
  { name: 'post-header-value-case', method: 'POST', path: '/', query: '', headers: [HOST, ['My-Header1', 'VALUE1'], DATE],
    signedHeaders: 'host;my-header1;x-amz-date',
    signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d' },
  { name: 'post-sts-header-before', method: 'POST', path: '/', query: '',
    headers: [HOST, DATE, ['X-Amz-Security-Token', TOKEN]], signedHeaders: 'host;x-amz-date;x-amz-security-token',
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead' },
  { name: 'post-vanilla-query', method: 'POST', path: '/', query: 'Param1=value1', headers: [HOST, DATE],
    signedHeaders: 'host;x-amz-date', signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11' },
  { name: 'post-vanilla-query-nonunreserved', method: 'POST', path: '/',
    query: `${encodeURIComponent('@#$%^')}=&${encodeURIComponent('+')}=${encodeURIComponent('/,?><`";:\\|][{}')}`,
    headers: [HOST, DATE], signedHeaders: 'host;x-amz-date',
    signature: '66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e' },
  { name: 'post-x-www-form-urlencoded', method: 'POST', path: '/', query: '',
    headers: [['Content-Type', 'application/x-www-form-urlencoded'], HOST, DATE], body: 'Param1=value1',
    signedHeaders: 'content-type;host;x-amz-date',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a' },
  { name: 'post-x-www-form-urlencoded-parameters', method: 'POST', path: '/', query: '',
    headers: [['Content-Type', 'application/x-www-form-urlencoded; charset=utf8'], HOST, DATE], body: 'Param1=value1',
    signedHeaders: 'content-type;host;x-amz-date',
    signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe' },
];

function toRequest(vector: Vector, signature = vector.signature): SignedRequest {
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20150830/us-east-1/service/aws4_request, ` +
    `SignedHeaders=${vector.signedHeaders}, Signature=${signature}`;
  const lines = [...vector.headers, ['Authorization', authorization]];
  // What node:http builds: lowercased map with repeats joined by ", ", plus the raw lines.
  const headers: Record<string, string> = {};
  for (const [name, value] of lines) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value.trim()}` : value.trim();
  }
  return {
    method: vector.method,
    path: vector.path,
    query: vector.query,
    headers,
    rawHeaders: lines.flat(),
    body: Buffer.from(vector.body ?? ''),
  };
}

const options = { service: 'service', now: NOW, lookupSecretKey: async (id: string) => (id === ACCESS_KEY ? SECRET : undefined) };

describe('AWS SigV4 test suite', () => {
  for (const vector of vectors) {
    it(`${vector.name}: verifies with the published signature`, async () => {
      const caller = await verifySigV4(toRequest(vector), options);
      assert.equal(caller.accessKeyId, ACCESS_KEY);
      assert.equal(caller.region, 'us-east-1');
      assert.equal(caller.service, 'service');
      assert.equal(caller.signingDate.toISOString(), NOW.toISOString());
    });

    it(`${vector.name}: refuses the signature with one character changed`, async () => {
      const last = vector.signature.at(-1) === '0' ? '1' : '0';
      const tampered = toRequest(vector, vector.signature.slice(0, -1) + last);
      await assert.rejects(verifySigV4(tampered, options), (e: unknown) => {
        return e instanceof AwsError && e.code === 'InvalidSignatureException' && e.message === SIGNATURE_MISMATCH_MESSAGE;
      });
    });
  }

  it('get-vanilla: canonical request and string to sign match the suite (.creq / .sts)', () => {
    const request = toRequest(vectors[0]);
    const canonical = canonicalRequest(request, headerReader(request), ['host', 'x-amz-date'],
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(canonical, [
      'GET', '/', '', 'host:example.amazonaws.com', 'x-amz-date:20150830T123600Z', '', 'host;x-amz-date',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n'));
    assert.equal(stringToSign('20150830T123600Z', '20150830/us-east-1/service/aws4_request', canonical), [
      'AWS4-HMAC-SHA256', '20150830T123600Z', '20150830/us-east-1/service/aws4_request',
      'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    ].join('\n'));
  });

  it('get-header-key-duplicate: repeated headers join with "," in order (.creq)', () => {
    const request = toRequest(vectors[8]);
    const canonical = canonicalRequest(request, headerReader(request), ['host', 'my-header1', 'x-amz-date'], 'x');
    assert.match(canonical, /\nmy-header1:value2,value2,value1\n/);
  });

  it('signing key of the documented IAM example (AWS General Reference, "Deriving the signing key")', () => {
    const key = deriveSigningKey(SECRET, '20150830', 'us-east-1', 'iam');
    assert.equal(key.toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });
});
