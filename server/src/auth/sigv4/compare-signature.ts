// Comparison of the hex signature we computed with the one the client sent, in time that does not depend on
// where they differ, so response timing says nothing about how many leading characters matched. Every
// character pair is visited and folded into one value with XOR/OR: no branch depends on the content. (Buffers
// for crypto.timingSafeEqual cost two allocations and three native calls per request for the same guarantee.)
export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  // Lengths are public (a valid signature is always 64 characters); only equal lengths are compared.
  if (expectedHex.length !== providedHex.length) return false;
  let difference = 0;
  for (let i = 0; i < expectedHex.length; i++) difference |= expectedHex.charCodeAt(i) ^ providedHex.charCodeAt(i);
  return difference === 0;
}
