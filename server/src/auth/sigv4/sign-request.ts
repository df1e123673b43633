// Signing an outgoing AWS JSON request (POST /) with SigV4: the same steps the verifier uses (canonical request,
// string to sign, signing key), run in the signer's direction. Replication to a peer deployment signs with it.
import { sha256Hex } from '../../crypto/sha256.ts';
import { canonicalRequest } from './canonical-request.ts';
import { headerReader } from './header-values.ts';
import { formatBasic } from './request-time.ts';
import { deriveSigningKey, hmac } from './signing-key.ts';
import { ALGORITHM, stringToSign } from './string-to-sign.ts';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface OutgoingRequest {
  /** host[:port] as the Host header carries it */
  host: string;
  /** every header but Host, X-Amz-Date and Authorization (lowercase names) */
  headers: Record<string, string>;
  body: Buffer;
}

/** The request's headers with Host, X-Amz-Date and Authorization added. */
export function signRequest(request: OutgoingRequest, credentials: SigningCredentials, region: string, service: string, now: Date): Record<string, string> {
  const amzDate = formatBasic(now);
  const headers: Record<string, string> = { ...request.headers, host: request.host, 'x-amz-date': amzDate };
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({ method: 'POST', path: '/', query: '', headers, body: request.body }, headerReader({ method: 'POST', path: '/', query: '', headers, body: request.body }), signedHeaders, sha256Hex(request.body));
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const key = deriveSigningKey(credentials.secretAccessKey, amzDate.slice(0, 8), region, service);
  const signature = hmac(key, stringToSign(amzDate, scope, canonical)).toString('hex');
  return { ...headers, authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}` };
}
