// Reading request headers for signing. IncomingMessage.headers joins repeated headers with ", " (and keeps
// only the first of some, like content-type), which is not what the signer saw; rawHeaders keeps every
// occurrence in order, so it wins when present. SigV4 joins repeated values with a bare ','.
import type { SignedRequest } from './types.ts';

export interface HeaderReader {
  /** The headers it reads: the request's rawHeaders, or its header map when it has none. */
  readonly source: string[] | SignedRequest['headers'];
  /** First value of a header, for the single-valued ones (authorization, x-amz-date, ...). */
  first(name: string): string | undefined;
  /** Every value of a header in order, canonicalised and joined with ','; undefined when absent. */
  canonical(name: string): string | undefined;
  /** Every value as sent, joined with ', ' (what node:http's header map holds for a header it does not know). */
  joined(name: string): string | undefined;
}

/**
 * The reader over the request's headers; names passed to it are lowercase. One per request, kept on the request
 * itself (a WeakMap costs more per request than the lookups it saves): authentication, verification and the
 * pipeline all read the same request. A copy of a request with other headers (`{ ...request, headers }`) carries
 * the old reader, which is not over its headers, so it gets its own.
 */
export function headerReader(request: SignedRequest): HeaderReader {
  const raw = request.rawHeaders;
  const source = raw ?? request.headers;
  let reader = request.reader;
  if (reader === undefined || reader.source !== source) {
    reader = raw ? new RawHeaderReader(raw) : new HeaderMapReader(source as SignedRequest['headers']);
    request.reader = reader;
  }
  return reader;
}

// A request carries about a dozen headers and verification reads about as many: a scan of the lowercased
// names per read costs less than building a map of arrays per request.
class RawHeaderReader implements HeaderReader {
  private readonly names: string[] = [];

  constructor(readonly source: string[]) {
    // Clients send lowercase names, which toLowerCase() returns as they are.
    for (let i = 0; i + 1 < source.length; i += 2) this.names.push(source[i].toLowerCase());
  }

  first(name: string): string | undefined {
    const at = this.names.indexOf(name);
    return at < 0 ? undefined : this.source[2 * at + 1];
  }

  canonical(name: string): string | undefined {
    return this.join(name, ',', canonicalHeaderValue);
  }

  joined(name: string): string | undefined {
    return this.join(name, ', ', (value) => value);
  }

  private join(name: string, separator: string, map: (value: string) => string): string | undefined {
    const names = this.names;
    let joined: string | undefined;
    for (let at = names.indexOf(name); at >= 0; at = names.indexOf(name, at + 1)) {
      const value = map(this.source[2 * at + 1]);
      joined = joined === undefined ? value : `${joined}${separator}${value}`;
    }
    return joined;
  }
}

class HeaderMapReader implements HeaderReader {
  constructor(readonly source: SignedRequest['headers']) {}

  first(name: string): string | undefined {
    const value = this.source[name];
    return Array.isArray(value) ? value[0] : value;
  }

  canonical(name: string): string | undefined {
    const value = this.source[name];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(canonicalHeaderValue).join(',') : canonicalHeaderValue(value);
  }

  joined(name: string): string | undefined {
    const value = this.source[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

// A value with none of these (the common case) is canonical as it is.
const NEEDS_CLEANING = /[\t\r\n]|  |^ | $/;

/** Canonical value: line breaks to spaces, runs of spaces and tabs to one space, ends trimmed. */
export function canonicalHeaderValue(value: string): string {
  if (!NEEDS_CLEANING.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}
