// CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HashedPayload
// (CanonicalHeaders ends in its own '\n', hence the blank line).
import { canonicalHeaders } from './canonical-headers.ts';
import { canonicalQuery } from './canonical-query.ts';
import { canonicalUri } from './canonical-uri.ts';
import type { HeaderReader } from './header-values.ts';
import type { SignedRequest } from './types.ts';

export function canonicalRequest(
  request: SignedRequest,
  read: HeaderReader,
  signedHeaders: readonly string[],
  hashedPayload: string,
): string {
  return (
    `${request.method.toUpperCase()}\n${canonicalUri(request.path)}\n${canonicalQuery(request.query)}\n` +
    `${canonicalHeaders(signedHeaders, read)}\n${signedHeaders.join(';')}\n${hashedPayload}`
  );
}
