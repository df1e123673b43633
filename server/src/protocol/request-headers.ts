// One header of a request read straight from node:http's rawHeaders ([name, value, ...]). Reading
// IncomingMessage.headers makes node build a map of every header on each request, which the hot path does
// not otherwise need (SigV4 reads rawHeaders too).
import type { SignedRequest } from '../auth/sigv4/index.ts';

/**
 * The header's value (name lowercase), as IncomingMessage.headers would give it: repeated values joined with
 * ', ' when `joinRepeats` (node does that for headers it does not know), else the first one.
 */
export function rawHeader(rawHeaders: string[], name: string, joinRepeats = false): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    if (value === undefined) value = rawHeaders[i + 1];
    else if (joinRepeats) value = `${value}, ${rawHeaders[i + 1]}`;
    else break;
  }
  return value;
}

/** A header of an API request: from rawHeaders when the HTTP layer gave them, else from the header map. */
export function requestHeader(request: SignedRequest, name: string, joinRepeats = false): string | undefined {
  if (request.rawHeaders) return rawHeader(request.rawHeaders, name, joinRepeats);
  const value = request.headers[name];
  return Array.isArray(value) ? (joinRepeats ? value.join(', ') : value[0]) : value;
}
