// Constant-time comparison of the hex signature we computed with the one the client sent, so response
// timing says nothing about how many leading characters matched.
import { timingSafeEqual } from 'node:crypto';

export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  // Lengths are public (a valid signature is always 64 characters); only equal lengths are compared. A latin1
  // buffer has one byte per character, so comparing the strings' lengths first spares the two buffers.
  if (expectedHex.length !== providedHex.length) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'latin1'), Buffer.from(providedHex, 'latin1'));
}
