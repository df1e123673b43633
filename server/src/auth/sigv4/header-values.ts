// Reading request headers for signing. IncomingMessage.headers joins repeated headers with ", " (and keeps
// only the first of some, like content-type), which is not what the signer saw; rawHeaders keeps every
// occurrence in order, so it wins when present. SigV4 joins repeated values with a bare ','.
import type { SignedRequest } from './types.ts';

export type HeaderReader = (name: string) => string[] | undefined;

/** Builds a lookup by lowercase name; one pass over rawHeaders, then O(1) per header. */
export function headerReader(request: SignedRequest): HeaderReader {
  const raw = request.rawHeaders;
  if (raw) {
    const byName = new Map<string, string[]>();
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      const values = byName.get(name);
      if (values) values.push(raw[i + 1]);
      else byName.set(name, [raw[i + 1]]);
    }
    return (name) => byName.get(name);
  }
  return (name) => {
    const value = request.headers[name];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value : [value];
  };
}

/** First value of a header, for the single-valued ones (authorization, x-amz-date, ...). */
export function firstHeader(read: HeaderReader, name: string): string | undefined {
  return read(name)?.[0];
}

/** Canonical value: line breaks to spaces, runs of spaces and tabs to one space, ends trimmed. */
export function canonicalHeaderValue(values: string[]): string {
  return values.map(canonicalOne).join(',');
}

function canonicalOne(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}
