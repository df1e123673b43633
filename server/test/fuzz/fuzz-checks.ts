// The rules every reply must follow, and the findings of a run grouped by operation and rule so that one
// bug met a thousand times is reported once, with its first example.
import type { RawResponse } from '../api/helpers.ts';

/** What two stores must agree on: the status and the error type (messages name ARNs, which differ). */
export interface Answer {
  status: number;
  type: string | undefined;
}

export function answerOf(res: RawResponse): Answer {
  const xml = queryError(res);
  if (xml) return { status: res.status, type: xml.code };
  return { status: res.status, type: typeof res.json?.__type === 'string' ? res.json.__type : undefined };
}

/**
 * The Query protocol's <ErrorResponse> (STS's), which a form-encoded request without X-Amz-Target gets;
 * undefined for any other reply.
 */
function queryError(res: RawResponse): { code?: string; message?: string } | undefined {
  if (!(res.headers.get('content-type') ?? '').startsWith('text/xml') || !res.text.startsWith('<ErrorResponse')) return undefined;
  return { code: /<Code>([^<]+)<\/Code>/.exec(res.text)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(res.text)?.[1] };
}

/**
 * Broken rules of one reply: never a 5xx; a 4xx is an AWS JSON error (`__type`, a message, x-amzn-ErrorType),
 * or for a Query protocol request an XML <ErrorResponse> with its Code and Message.
 */
export function replyProblems(res: RawResponse): string[] {
  if (res.status >= 500) return [`answered ${res.status}`];
  if (res.status === 200) return res.json ? [] : ['answered 200 without a JSON object'];
  if (res.status < 400) return [`answered ${res.status}`];
  const problems: string[] = [];
  const xml = queryError(res);
  if (xml) {
    if (!xml.code) problems.push(`${res.status} XML error without a Code`);
    if (xml.message === undefined) problems.push(`${res.status} XML error without a Message`);
    return problems;
  }
  const type = res.json?.__type;
  const message = res.json?.Message ?? res.json?.message;
  if (typeof type !== 'string' || type === '') problems.push(`${res.status} without __type`);
  if (typeof message !== 'string') problems.push(`${res.status} without a message`);
  if (res.headers.get('x-amzn-errortype') !== type) problems.push(`${res.status} whose x-amzn-ErrorType is not its __type`);
  return problems;
}

/** Tables whose digest differs between two snapshots. */
export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((table) => before.get(table) !== after.get(table));
}

export interface Finding {
  operation: string;
  rule: string;
  count: number;
  /** the first request that broke it: run number, what was sent, what came back */
  example: string;
}

export function createFindings() {
  const byKey = new Map<string, Finding>();
  return {
    add(operation: string, rule: string, example: () => string): void {
      const key = `${operation}: ${rule}`;
      const found = byKey.get(key);
      if (found) found.count += 1;
      else byKey.set(key, { operation, rule, count: 1, example: example() });
    },
    list(): Finding[] {
      return [...byKey.values()];
    },
    count(rule: (text: string) => boolean): number {
      return [...byKey.values()].filter((f) => rule(f.rule)).reduce((n, f) => n + f.count, 0);
    },
    report(): string {
      return [...byKey.values()].map((f) => `- ${f.operation}: ${f.rule} (${f.count}x)\n    ${f.example.replaceAll('\n', '\n    ')}`).join('\n');
    },
  };
}
