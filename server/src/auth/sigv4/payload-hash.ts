// HashedPayload. We always hash the body we actually received: a client may announce the hash in
// X-Amz-Content-Sha256 (the JS SDK does, and signs it), and then it must match the body. UNSIGNED-PAYLOAD
// (or any other placeholder) is never honoured for JSON requests, so a body can't be swapped under a
// valid signature; such a request simply fails the signature check.
import { sha256Hex } from '../../crypto/sha256.ts';
import { sigv4Errors } from './sigv4-errors.ts';

export function payloadHash(body: Buffer, announced: string | undefined): string {
  const actual = sha256Hex(body);
  if (announced === undefined || announced === 'UNSIGNED-PAYLOAD') return actual;
  if (announced.toLowerCase() !== actual) {
    // S3's text; JSON services have no dedicated error, so it rides on InvalidSignatureException.
    throw sigv4Errors.invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  // The client put its header value into its canonical request verbatim (case included).
  return announced;
}
