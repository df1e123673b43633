// Header-based SigV4 verification, in AWS's own order of checks, so the first error a client sees is the one
// AWS would give: single-valued headers once > token present > algorithm > parameters > host and every
// x-amz-* header signed > date format > clock skew > credential shape > scope > access key and session token
// > payload hash > signature. See README.md.
import { timingSafeEqual } from 'node:crypto';
import { canonicalRequest } from './canonical-request.ts';
import { checkScope, defaultIsValidRegion, requireCredential } from './credential-scope.ts';
import { headerReader, type HeaderReader } from './header-values.ts';
import { parseAuthorization } from './parse-authorization.ts';
import { payloadHash } from './payload-hash.ts';
import { checkClockSkew, readRequestTime } from './request-time.ts';
import { deriveSigningKey, hmac } from './signing-key.ts';
import { sigv4Errors } from './sigv4-errors.ts';
import { stringToSign } from './string-to-sign.ts';
import type { SignedRequest, VerifiedCaller, VerifyOptions } from './types.ts';

const PRESIGNED_QUERY = /(?:^|&)X-Amz-(?:Algorithm|Signature)=/i;

/** Headers SigV4 reads one value of: a second line would let two parties read two different requests. */
const SINGLE_VALUED = [
  ['authorization', 'Authorization'],
  ['x-amz-date', 'X-Amz-Date'],
  ['x-amz-security-token', 'X-Amz-Security-Token'],
  ['x-amz-content-sha256', 'X-Amz-Content-Sha256'],
] as const;

/** `read`: the request's headers, when the caller has read them already (the pipeline has, to route). */
export async function verifySigV4(request: SignedRequest, options: VerifyOptions, read: HeaderReader = headerReader(request)): Promise<VerifiedCaller> {
  for (const [name, shown] of SINGLE_VALUED) {
    const count = read.count(name);
    if (count > 1) throw sigv4Errors.repeatedHeader(shown, count);
  }
  const authorization = read.first('authorization');
  if (authorization === undefined && PRESIGNED_QUERY.test(request.query)) {
    // Not an AWS text: AWS would verify it. We only take header auth, and say so rather than "missing".
    throw sigv4Errors.incomplete(
      'Query-string (presigned) authentication is not supported; sign the request with an Authorization header.',
    );
  }
  const amzDateHeader = read.first('x-amz-date');
  // Date only counts without X-Amz-Date, so it is not looked for when X-Amz-Date is there.
  const dateHeader = amzDateHeader === undefined ? read.first('date') : undefined;
  const auth =
    authorization === undefined
      ? undefined
      : parseAuthorization(authorization, amzDateHeader !== undefined || dateHeader !== undefined);
  if (auth === undefined) throw sigv4Errors.missingToken();

  requireSignedHeaders(read, auth.signedHeaders);
  const { amzDate, time } = readRequestTime(amzDateHeader, dateHeader);
  checkClockSkew(time, typeof options.now === 'number' ? options.now : options.now.getTime());

  const credential = requireCredential(auth.credential);
  const services = typeof options.service === 'string' ? [options.service] : options.service;
  checkScope(credential, { services, amzDate, isValidRegion: options.isValidRegion ?? defaultIsValidRegion });

  const securityToken = read.first('x-amz-security-token') ?? queryParameter(request.query, 'X-Amz-Security-Token');
  const secret = await options.lookupSecretKey(credential.accessKeyId, securityToken);
  if (secret === undefined) throw sigv4Errors.unrecognizedClient();

  const hashedPayload = payloadHash(request.body, read.first('x-amz-content-sha256'));
  const canonical = canonicalRequest(request, read, auth.signedHeaders, hashedPayload);
  const { shortDate, region, service } = credential;
  const signingKey = options.signingKeys?.get(secret, shortDate, region, service) ?? deriveSigningKey(secret, shortDate, region, service);
  const expected = hmac(signingKey, stringToSign(amzDate, credential.scope, canonical));
  if (!sameSignature(expected, auth.signature)) throw sigv4Errors.signatureMismatch();

  return { accessKeyId: credential.accessKeyId, region, service, signingDate: time };
}

/**
 * Host and every x-amz-* header the request carries must be signed, as AWS requires: an unsigned one could be
 * added or changed by anyone who saw the request (X-Amz-Target would re-target it to another operation).
 * x-amzn-trace-id is "x-amzn-", which no signer signs.
 */
function requireSignedHeaders(read: HeaderReader, signedHeaders: readonly string[]): void {
  if (!signedHeaders.includes('host')) {
    throw sigv4Errors.invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const name of read.names()) {
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name)) throw sigv4Errors.unsignedHeader(name);
  }
}

function queryParameter(query: string, name: string): string | undefined {
  return new URLSearchParams(query).get(name) ?? undefined;
}

const SIGNATURE_FORM = /^[0-9a-f]{64}$/;

/**
 * A signature's form (64 lowercase hex digits, as every signer writes it) is public; its bytes are compared in
 * time that does not depend on where they differ.
 */
function sameSignature(expected: Buffer, provided: string): boolean {
  return SIGNATURE_FORM.test(provided) && timingSafeEqual(expected, Buffer.from(provided, 'hex'));
}
