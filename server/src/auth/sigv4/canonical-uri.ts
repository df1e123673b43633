// CanonicalURI for every service but S3: the wire path (already percent-encoded once by the client) is
// normalised and encoded once more, so the signer's view is "double-encoded". Normalisation matches
// @smithy/signature-v4 (what the SDKs sign with): empty and '.' segments dropped, '..' pops one segment,
// a leading and a trailing '/' are kept. AWS JSON requests are always 'POST /', hence the fast path.
import { uriEncode } from './uri-encode.ts';

export function canonicalUri(rawPath: string): string {
  if (rawPath === '/' || rawPath === '') return '/';
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  const leading = rawPath.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `${leading}${segments.join('/')}${trailing}`;
}
