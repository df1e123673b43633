// CanonicalHeaders: one "name:value\n" line per signed header, in SignedHeaders order (already sorted).
// A signed header the request does not carry is refused with the text AWS gives (seen from AppSync).
import type { HeaderReader } from './header-values.ts';
import { sigv4Errors } from './sigv4-errors.ts';

export function canonicalHeaders(signedHeaders: readonly string[], read: HeaderReader): string {
  let block = '';
  for (const name of signedHeaders) {
    const value = read.canonical(name);
    if (value === undefined) {
      throw sigv4Errors.incomplete(`'${name}' is named as a SignedHeader, but it does not exist in the HTTP request.`);
    }
    block += `${name}:${value}\n`;
  }
  return block;
}
