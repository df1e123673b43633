// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex, UTF-8).
// encodeURIComponent leaves ! ' ( ) * alone, so those get escaped by hand (same as @smithy/signature-v4).

const EXTRA_RESERVED = /[!'()*]/g;

export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(EXTRA_RESERVED, hexEscape);
}

function hexEscape(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/** Percent-decodes, keeping malformed input as is: it then re-encodes to '%25...' and fails the signature. */
export function safeDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
