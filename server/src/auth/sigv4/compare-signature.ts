// Constant-time comparison of the hex signature we computed with the one the client sent, so response
// timing says nothing about how many leading characters matched.
import { timingSafeEqual } from 'node:crypto';

export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'latin1');
  const provided = Buffer.from(providedHex, 'latin1');
  // Lengths are public (a valid signature is always 64 characters); only equal lengths are compared.
  return expected.length === provided.length && timingSafeEqual(expected, provided);
}
