// Reading request headers for signing. IncomingMessage.headers joins repeated headers with ", " (and keeps
// only the first of some, like authorization and content-type), which is not what the signer saw; rawHeaders
// keeps every line in order, so it wins when present. SigV4 joins repeated values with a bare ','.
// The lines are grouped by name once per request, so the pipeline, SigV4 and audit read one structure.
import type { SignedRequest } from './types.ts';

export interface HeaderReader {
  /** Every header name the request carries, lowercased, once each, in order of first appearance. */
  names(): IterableIterator<string>;
  /** How many header lines carry this name. */
  count(name: string): number;
  /** First value of a header, for the single-valued ones (authorization, x-amz-date, ...). */
  first(name: string): string | undefined;
  /** Every value of a header in order, canonicalised and joined with ','; undefined when absent. */
  canonical(name: string): string | undefined;
  /** Every value as sent, joined with ', ' (what node:http's header map holds for a header it does not know). */
  joined(name: string): string | undefined;
}

/** A reader over the request's header lines; names passed to it are lowercase. */
export function headerReader(request: SignedRequest): HeaderReader {
  return new HeaderLines(request.rawHeaders ?? linesOf(request.headers));
}

/** The values of each header name (lowercased), in the order their lines came. */
class HeaderLines implements HeaderReader {
  private readonly byName = new Map<string, string[]>();

  /** `raw`: [name, value, name, value, ...], as node:http's rawHeaders. */
  constructor(raw: readonly string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      const values = this.byName.get(name);
      if (values) values.push(raw[i + 1]);
      else this.byName.set(name, [raw[i + 1]]);
    }
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  count(name: string): number {
    return this.byName.get(name)?.length ?? 0;
  }

  first(name: string): string | undefined {
    return this.byName.get(name)?.[0];
  }

  canonical(name: string): string | undefined {
    const values = this.byName.get(name);
    if (values === undefined) return undefined;
    return values.map(canonicalHeaderValue).join(',');
  }

  joined(name: string): string | undefined {
    return this.byName.get(name)?.join(', ');
  }
}

/** A header map (test requests, or a request without rawHeaders) as raw lines: an array value is one line each. */
function linesOf(headers: SignedRequest['headers']): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  return out;
}

/** Canonical value: line breaks to spaces, runs of spaces and tabs to one space, ends trimmed. */
export function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}
