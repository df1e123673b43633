// Reading request headers for signing. IncomingMessage.headers joins repeated headers with ", " (and keeps
// only the first of some, like authorization and content-type), which is not what the signer saw; rawHeaders
// keeps every line in order, so it wins when present. SigV4 joins repeated values with a bare ','.
import type { SignedRequest } from './types.ts';

export interface HeaderReader {
  /** Every header name the request carries, lowercased, once each. */
  names(): string[];
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
  const lines = request.rawHeaders ? pairs(request.rawHeaders) : linesOf(request.headers);
  const valuesOf = (name: string): string[] => lines.filter(([n]) => n === name).map(([, value]) => value);
  return {
    names: () => [...new Set(lines.map(([n]) => n))],
    count: (name) => valuesOf(name).length,
    first: (name) => lines.find(([n]) => n === name)?.[1],
    canonical: (name) => joinOrUndefined(valuesOf(name).map(canonicalHeaderValue), ','),
    joined: (name) => joinOrUndefined(valuesOf(name), ', '),
  };
}

/** [name, value, name, value, ...] as [lowercased name, value] pairs. */
function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
  return out;
}

/** A header map (test requests, or a request without rawHeaders) as lines: an array value is one line each. */
function linesOf(headers: SignedRequest['headers']): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name.toLowerCase(), v]);
  }
  return out;
}

function joinOrUndefined(values: string[], separator: string): string | undefined {
  return values.length === 0 ? undefined : values.join(separator);
}

/** Canonical value: line breaks to spaces, runs of spaces and tabs to one space, ends trimmed. */
export function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}
