// The broken requests of sigv4-strict.test.ts, one row each: how a correctly signed request (a template) is
// broken, before signing (spec) or after (wire), and the AWS error type and message it must get.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Credentials } from '../access/helpers.ts';
import { token, type RawResponse } from './helpers.ts';
import { addHeader, headerOf, setAuthParam, setHeader, signWire, type SignSpec, type Wire } from './raw-sigv4.ts';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const BAD_TOKEN = 'The security token included in the request is invalid.';
const unsigned = (name: string) => `'${name}' must be a 'SignedHeader' in the AWS Authorization.`;
const repeated = (name: string) => `The request carries 2 '${name}' headers; send exactly one.`;
const BAD_SIGNED_HEADERS = (list: string) => `SignedHeaders must list lowercase header names, sorted and each once, separated by ';'. Got '${list}'.`;
/** An incomplete-Authorization message: the problem, then the header echoed (its signature redacted). */
const incomplete = (problem: string) => new RegExp(`^${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} Authorization=AWS4-HMAC-SHA256 `);
export const MINUTE = 60_000;

/** The request a row breaks: what it calls, and how its positive control's answer shows it worked. */
export interface Template {
  target: string;
  body: () => string;
  succeeded(res: RawResponse, body: string): void;
}

export const templates: Record<'put' | 'get' | 'create', Template> = {
  // A new version of the secret: if a broken request got through, the versions would show it.
  put: {
    target: 'secretsmanager.PutSecretValue',
    body: () => JSON.stringify({ SecretId: 'target', SecretString: `value-${token()}`, ClientRequestToken: token() }),
    succeeded: (res, body) => assert.equal(res.json?.VersionId, JSON.parse(body).ClientRequestToken),
  },
  get: {
    target: 'secretsmanager.GetSecretValue',
    body: () => JSON.stringify({ SecretId: 'target' }),
    succeeded: (res) => assert.match(String(res.json?.SecretString), /^value-/),
  },
  create: {
    target: 'secretsmanager.CreateSecret',
    body: () => JSON.stringify({ Name: `never-${token()}`, SecretString: 'x', ClientRequestToken: token() }),
    succeeded: (res, body) => assert.equal(res.json?.Name, JSON.parse(body).Name),
  },
};

export interface Row {
  name: string;
  template?: keyof typeof templates;
  /** changes to what is signed (`keys`: the users' keys made in before()) */
  spec?: (spec: SignSpec, keys: UserKeys) => SignSpec;
  /** changes to the signed request before it is sent */
  wire?: (wire: Wire, spec: SignSpec) => Wire | Promise<Wire>;
  type: string;
  message: string | RegExp;
  /** false when the request is refused before it names an operation (no audit event then) */
  audited?: false;
}

/** Keys of a user still active, of one whose key is Inactive, and of a deleted one. */
export type UserKeys = Record<'active' | 'inactive' | 'deleted', Credentials>;
const withToken = (spec: SignSpec): SignSpec => ({ ...spec, credentials: { ...spec.credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token' } });
const flipLast = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
export const signatureOf = (wire: Wire) => /Signature=([0-9a-f]{64})/.exec(headerOf(wire, 'authorization')!)![1];
const credentialOf = (wire: Wire) => /Credential=([^,]+)/.exec(headerOf(wire, 'authorization')!)![1];
const evilBody = (wire: Wire): Wire => ({ ...wire, body: wire.body.replace('value-', 'evil-') });
const scopeWith = (wire: Wire, part: number, value: string) => {
  const parts = credentialOf(wire).split('/');
  parts[part] = value;
  return setAuthParam(wire, 'Credential', parts.join('/'));
};

export const rows: Row[] = [
  // Re-targeting and unsigned x-amz-* headers: refused before the key is even looked up.
  { name: 'a GetSecretValue signed without X-Amz-Target, sent as DeleteSecret', template: 'get', spec: (s) => ({ ...s, unsigned: ['x-amz-target'] }),
    wire: (w) => setHeader(w, 'x-amz-target', 'secretsmanager.DeleteSecret'), type: 'InvalidSignatureException', message: unsigned('x-amz-target') },
  { name: 'X-Amz-Target left unsigned', spec: (s) => ({ ...s, unsigned: ['x-amz-target'] }),
    type: 'InvalidSignatureException', message: unsigned('x-amz-target') },
  { name: 'X-Amz-Date left unsigned', spec: (s) => ({ ...s, unsigned: ['x-amz-date'] }),
    type: 'InvalidSignatureException', message: unsigned('x-amz-date') },
  { name: 'Host left unsigned', spec: (s) => ({ ...s, unsigned: ['host'] }),
    type: 'InvalidSignatureException', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." },
  { name: 'X-Amz-Content-Sha256 left unsigned', spec: (s) => ({ ...s, unsigned: ['x-amz-content-sha256'] }),
    type: 'InvalidSignatureException', message: unsigned('x-amz-content-sha256') },
  { name: 'X-Amz-Security-Token left unsigned', spec: (s) => ({ ...withToken(s), unsigned: ['x-amz-security-token'] }),
    type: 'InvalidSignatureException', message: unsigned('x-amz-security-token') },
  { name: 'another x-amz-* header left unsigned',
    spec: (s) => ({ ...s, headers: { 'x-amz-meta-note': 'n' }, unsigned: ['x-amz-meta-note'] }),
    type: 'InvalidSignatureException', message: unsigned('x-amz-meta-note') },
  { name: 'an X-Amz-User-Agent added after signing', wire: (w) => addHeader(w, 'X-Amz-User-Agent', 'aws-sdk-js/3'),
    type: 'InvalidSignatureException', message: unsigned('x-amz-user-agent') },
  { name: 'an x-amz-* header added under an upper-case name', wire: (w) => addHeader(w, 'X-AMZ-DRY-RUN', 'true'),
    type: 'InvalidSignatureException', message: unsigned('x-amz-dry-run') },
  // Headers SigV4 reads once, sent twice.
  { name: 'the Authorization header twice', template: 'create', wire: (w) => addHeader(w, 'Authorization', headerOf(w, 'authorization')!),
    type: 'IncompleteSignatureException', message: repeated('Authorization') },
  { name: 'a second Authorization signed for DeleteSecret',
    wire: async (w, s) => addHeader(w, 'authorization', headerOf(await signWire({ ...s, target: 'secretsmanager.DeleteSecret' }), 'authorization')!),
    type: 'IncompleteSignatureException', message: repeated('Authorization') },
  { name: 'X-Amz-Date twice', wire: (w) => addHeader(w, 'X-Amz-Date', headerOf(w, 'x-amz-date')!),
    type: 'IncompleteSignatureException', message: repeated('X-Amz-Date') },
  { name: 'X-Amz-Content-Sha256 twice', wire: (w) => addHeader(w, 'x-amz-content-sha256', headerOf(w, 'x-amz-content-sha256')!),
    type: 'IncompleteSignatureException', message: repeated('X-Amz-Content-Sha256') },
  { name: 'X-Amz-Security-Token twice', spec: withToken, wire: (w) => addHeader(w, 'x-amz-security-token', 'other'),
    type: 'IncompleteSignatureException', message: repeated('X-Amz-Security-Token') },
  { name: 'X-Amz-Target twice (DeleteSecret after the signed one)',
    wire: (w) => addHeader(w, 'X-Amz-Target', 'secretsmanager.DeleteSecret'),
    type: 'UnknownOperationException', message: /^Unknown operation /, audited: false },
  { name: 'X-Amz-Target twice, the same value', wire: (w) => addHeader(w, 'x-amz-target', headerOf(w, 'x-amz-target')!),
    type: 'UnknownOperationException', message: /^Unknown operation /, audited: false },
  // Session tokens: Coffer issues no temporary credentials.
  { name: 'a signed session token on the account root\'s long-term key', template: 'create', spec: withToken,
    type: 'UnrecognizedClientException', message: BAD_TOKEN },
  { name: 'a signed session token on a user\'s long-term key', spec: (s, keys) => withToken({ ...s, credentials: keys.active }),
    type: 'UnrecognizedClientException', message: BAD_TOKEN },
  { name: 'a session token in the query string',
    spec: (s) => ({ ...s, query: { 'X-Amz-Security-Token': 'FwoGZXIvYXdzEXAMPLE' } }),
    type: 'UnrecognizedClientException', message: BAD_TOKEN },
  { name: 'a session token and a wrong signature: the token is refused first', spec: withToken,
    wire: (w) => setAuthParam(w, 'Signature', flipLast(signatureOf(w))),
    type: 'UnrecognizedClientException', message: BAD_TOKEN },
  // Keys and signatures.
  { name: 'a signature with its last digit changed', wire: (w) => setAuthParam(w, 'Signature', flipLast(signatureOf(w))),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'the signature in upper case', wire: (w) => setAuthParam(w, 'Signature', signatureOf(w).toUpperCase()),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'the signature one digit short', wire: (w) => setAuthParam(w, 'Signature', signatureOf(w).slice(1)),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'signed with a wrong secret key',
    spec: (s) => ({ ...s, credentials: { ...s.credentials, secretAccessKey: 'wrong/secret/key/000000000000000000000000' } }),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'an unknown access key id', template: 'create',
    spec: (s) => ({ ...s, credentials: { ...s.credentials, accessKeyId: 'AKIAUNKNOWNUNKNOWN00' } }),
    type: 'UnrecognizedClientException', message: BAD_TOKEN },
  { name: 'another key\'s id with the root\'s secret',
    spec: (s, keys) => ({ ...s, credentials: { ...s.credentials, accessKeyId: keys.active.accessKeyId } }),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'the key of a user whose key is Inactive', spec: (s, keys) => ({ ...s, credentials: keys.inactive }),
    type: 'UnrecognizedClientException', message: BAD_TOKEN },
  { name: 'the key of a deleted user', template: 'create', spec: (s, keys) => ({ ...s, credentials: keys.deleted }),
    type: 'UnrecognizedClientException', message: BAD_TOKEN },
  // Credential scope.
  { name: 'the region in the scope changed after signing', wire: (w) => scopeWith(w, 2, 'us-west-2'),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'signed for a region name that is not one', spec: (s) => ({ ...s, region: 'US_EAST_1' }),
    type: 'InvalidSignatureException', message: "Credential should be scoped to a valid region, not 'US_EAST_1'. " },
  { name: 'signed for KMS', spec: (s) => ({ ...s, service: 'kms' }),
    type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'secretsmanager'. " },
  { name: 'the service in the scope changed after signing', wire: (w) => scopeWith(w, 3, 'kms'),
    type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'secretsmanager'. " },
  { name: 'the date in the scope changed after signing', wire: (w) => scopeWith(w, 1, '20200101'),
    type: 'InvalidSignatureException', message: /^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '\d{8}', from '\d{8}T\d{6}Z'\.$/ },
  { name: 'a terminator other than aws4_request', wire: (w) => scopeWith(w, 4, 'aws5_request'),
    type: 'InvalidSignatureException', message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " },
  { name: 'a Credential of four parts',
    wire: (w) => setAuthParam(w, 'Credential', credentialOf(w).split('/').slice(0, 4).join('/')),
    type: 'IncompleteSignatureException', message: /^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got '/ },
  // Time (AWS allows 15 minutes either way).
  { name: 'signed 16 minutes ago', template: 'create', spec: (s) => ({ ...s, signingDate: new Date(Date.now() - 16 * MINUTE) }),
    type: 'InvalidSignatureException', message: /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/ },
  { name: 'signed 16 minutes ahead', spec: (s) => ({ ...s, signingDate: new Date(Date.now() + 16 * MINUTE) }),
    type: 'InvalidSignatureException', message: /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/ },
  { name: 'X-Amz-Date moved a second after signing',
    wire: (w, s) => setHeader(w, 'x-amz-date', new Date(s.signingDate.getTime() + 1000).toISOString().replace(/[-:]|\.\d{3}/g, '')),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'X-Amz-Date not in ISO 8601 basic format', wire: (w) => setHeader(w, 'x-amz-date', '2026-11-27T10:30:00Z'),
    type: 'IncompleteSignatureException', message: "Date must be in ISO-8601 'basic format'. Got '2026-11-27T10:30:00Z'. See http://en.wikipedia.org/wiki/ISO_8601" },
  { name: 'X-Amz-Date removed', wire: (w) => setHeader(w, 'x-amz-date', undefined),
    type: 'IncompleteSignatureException', message: incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.") },
  // Malformed Authorization.
  { name: 'no Authorization header', wire: (w) => setHeader(w, 'authorization', undefined),
    type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
  { name: 'a SigV2-style Authorization', wire: (w) => setHeader(w, 'authorization', 'AWS AKIAEXAMPLE:c2lnbmF0dXJl'),
    type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
  { name: 'an unknown algorithm',
    wire: (w) => setHeader(w, 'authorization', headerOf(w, 'authorization')!.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512')),
    type: 'IncompleteSignatureException', message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). " },
  { name: 'no Signature parameter',
    wire: (w) => setHeader(w, 'authorization', headerOf(w, 'authorization')!.replace(/, Signature=[0-9a-f]+/, '')),
    type: 'IncompleteSignatureException', message: incomplete("Authorization header requires 'Signature' parameter.") },
  { name: 'no Credential parameter',
    wire: (w) => setHeader(w, 'authorization', headerOf(w, 'authorization')!.replace(/Credential=[^,]+, /, '')),
    type: 'IncompleteSignatureException', message: incomplete("Authorization header requires 'Credential' parameter.") },
  { name: 'no SignedHeaders parameter',
    wire: (w) => setHeader(w, 'authorization', headerOf(w, 'authorization')!.replace(/SignedHeaders=[^,]+, /, '')),
    type: 'IncompleteSignatureException', message: incomplete("Authorization header requires 'SignedHeaders' parameter.") },
  { name: 'SignedHeaders out of order',
    wire: (w) => setAuthParam(w, 'SignedHeaders', 'host;content-type;x-amz-content-sha256;x-amz-date;x-amz-target'),
    type: 'IncompleteSignatureException', message: BAD_SIGNED_HEADERS('host;content-type;x-amz-content-sha256;x-amz-date;x-amz-target') },
  { name: 'SignedHeaders in mixed case',
    wire: (w) => setAuthParam(w, 'SignedHeaders', 'content-type;Host;x-amz-content-sha256;x-amz-date;x-amz-target'),
    type: 'IncompleteSignatureException', message: BAD_SIGNED_HEADERS('content-type;Host;x-amz-content-sha256;x-amz-date;x-amz-target') },
  { name: 'SignedHeaders with a name twice',
    wire: (w) => setAuthParam(w, 'SignedHeaders', 'content-type;host;host;x-amz-content-sha256;x-amz-date;x-amz-target'),
    type: 'IncompleteSignatureException', message: BAD_SIGNED_HEADERS('content-type;host;host;x-amz-content-sha256;x-amz-date;x-amz-target') },
  { name: 'SignedHeaders empty', wire: (w) => setAuthParam(w, 'SignedHeaders', ''),
    type: 'InvalidSignatureException', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." },
  { name: 'SignedHeaders naming a header the request lacks',
    wire: (w) => setAuthParam(w, 'SignedHeaders', 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-custom'),
    type: 'IncompleteSignatureException', message: "'x-custom' is named as a SignedHeader, but it does not exist in the HTTP request." },
  { name: 'a parameter without "="',
    wire: (w) => setHeader(w, 'authorization', headerOf(w, 'authorization')!.replace('Credential=', 'Credential= ')),
    type: 'IncompleteSignatureException', message: /^'AKIA[A-Z2-7]+\/\d{8}\/us-east-1\/secretsmanager\/aws4_request' not a valid key=value pair \(missing equal-sign\) in Authorization header: / },
  // What was signed, changed.
  { name: 'the body changed after signing', wire: evilBody,
    type: 'InvalidSignatureException', message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
  { name: 'the body changed with a matching X-Amz-Content-Sha256',
    wire: (w) => setHeader(evilBody(w), 'x-amz-content-sha256', createHash('sha256').update(evilBody(w).body).digest('hex')),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'UNSIGNED-PAYLOAD signed in X-Amz-Content-Sha256',
    spec: (s) => ({ ...s, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'a query added after signing', template: 'create', wire: (w) => ({ ...w, path: '/?Action=DeleteSecret' }),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'Content-Type changed after signing', wire: (w) => setHeader(w, 'content-type', 'application/json'),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'Host changed after signing', wire: (w) => setHeader(w, 'host', 'coffer.example.com'),
    type: 'InvalidSignatureException', message: MISMATCH },
  { name: 'presigned query authentication', spec: (s) => ({ ...s, query: { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Signature': '00' } }),
    wire: (w) => setHeader(w, 'authorization', undefined),
    type: 'IncompleteSignatureException', message: 'Query-string (presigned) authentication is not supported; sign the request with an Authorization header.' },
];
