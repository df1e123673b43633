// CanonicalQueryString: every name=value pair decoded from the wire, re-encoded the SigV4 way, sorted by
// encoded name then encoded value. A name without '=' is "name=". X-Amz-Signature is left out, as the
// signer does (it only appears in presigned requests, where it cannot sign itself).
import { safeDecode, uriEncode } from './uri-encode.ts';

export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    if (name.toLowerCase() === 'x-amz-signature') continue;
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  pairs.sort(comparePairs);
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

// Encoded strings are ASCII, so code-unit order is byte order, as the spec asks.
function comparePairs(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}
