// CanonicalHeaders: one "name:value\n" line per signed header, in SignedHeaders order (already sorted).
// A signed header the request does not carry is refused with the text AWS gives (seen from AppSync).
import { canonicalHeaderValue, type HeaderReader } from './header-values.ts';
import { sigv4Errors } from './sigv4-errors.ts';

export function canonicalHeaders(signedHeaders: string[], read: HeaderReader): string {
  let block = '';
  for (const name of signedHeaders) {
    const values = read(name);
    if (values === undefined) {
      throw sigv4Errors.incomplete(`'${name}' is named as a SignedHeader, but it does not exist in the HTTP request.`);
    }
    block += `${name}:${canonicalHeaderValue(values)}\n`;
  }
  return block;
}
