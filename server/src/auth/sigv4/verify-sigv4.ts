// Header-based SigV4 verification, synchronous, in AWS's own order of checks, so the first error a client
// sees is the one AWS would give: token present > algorithm > parameters > host signed > date format >
// clock skew > credential shape > scope > access key > payload hash > signature.
import { canonicalRequest } from './canonical-request.ts';
import { signaturesEqual } from './compare-signature.ts';
import { checkScope, defaultIsValidRegion, requireCredential } from './credential-scope.ts';
import { headerReader } from './header-values.ts';
import { parseAuthorization } from './parse-authorization.ts';
import { payloadHash } from './payload-hash.ts';
import { checkClockSkew, readRequestTime } from './request-time.ts';
import { HmacSha256Key } from './hmac-key.ts';
import { deriveSigningKey } from './signing-key.ts';
import { sigv4Errors } from './sigv4-errors.ts';
import { stringToSign } from './string-to-sign.ts';
import type { SignedRequest, VerifiedCaller, VerifyOptions } from './types.ts';

const PRESIGNED_QUERY = /(?:^|&)X-Amz-(?:Algorithm|Signature)=/i;

export function verifySigV4(request: SignedRequest, options: VerifyOptions): VerifiedCaller {
  const read = headerReader(request);
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

  if (!auth.signedHeaders.includes('host')) {
    throw sigv4Errors.invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const { amzDate, time } = readRequestTime(amzDateHeader, dateHeader);
  checkClockSkew(time, typeof options.now === 'number' ? options.now : options.now.getTime());

  const credential = requireCredential(auth.credential);
  const services = typeof options.service === 'string' ? [options.service] : options.service;
  checkScope(credential, { services, amzDate, isValidRegion: options.isValidRegion ?? defaultIsValidRegion });

  const secret = options.lookupSecretKey(credential.accessKeyId);
  if (secret === undefined) throw sigv4Errors.unrecognizedClient();

  const hashedPayload = payloadHash(request.body, read.first('x-amz-content-sha256'));
  const canonical = canonicalRequest(request, read, auth.signedHeaders, hashedPayload);
  const { shortDate, region, service } = credential;
  const signingKey =
    options.signingKeys?.get(secret, shortDate, region, service) ??
    new HmacSha256Key(deriveSigningKey(secret, shortDate, region, service));
  const expected = signingKey.hex(stringToSign(amzDate, credential.scope, canonical));
  if (!signaturesEqual(expected, auth.signature)) throw sigv4Errors.signatureMismatch();

  const caller: VerifiedCaller = { accessKeyId: credential.accessKeyId, region, service, signingDate: time };
  const securityToken = read.first('x-amz-security-token');
  if (securityToken !== undefined) caller.securityToken = securityToken;
  return caller;
}
