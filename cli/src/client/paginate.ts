// Automatic pagination with botocore's semantics, so `--max-items`, `--page-size` and `--starting-token` behave
// as in the aws CLI: --max-items truncates (even mid-page) and yields a resume token, base64 of
// {"NextToken": ..., "boto_truncate_amount": n}, which --starting-token accepts (and so does the aws CLI).
import { CliError } from '../errors.ts';
import type { PaginatorConfig } from '../model/operations.ts';
import type { PagingArgs } from '../args/operation-options.ts';
import type { Caller, Params, Response } from './call.ts';

export interface Paged {
  pages: Response[];
  /** Members taken from the first page only (e.g. ARN and Name of ListSecretVersionIds). */
  nonAggregate: Response;
  resumeToken?: string;
}

type Token = Record<string, unknown>;

export async function paginate(caller: Caller, operation: string, input: Params, cfg: PaginatorConfig, paging: PagingArgs): Promise<Paged> {
  const params: Params = { ...input };
  const primary = cfg.resultKeys[0];
  let nextToken: Token = { [cfg.inputToken]: null };
  let startingIndex = 0;
  if (paging.startingToken !== undefined) {
    const parsed = parseStartingToken(paging.startingToken, cfg);
    nextToken = parsed.token;
    startingIndex = parsed.index;
    injectToken(params, nextToken);
  }
  if (paging.pageSize !== undefined) params[cfg.limitKey] = paging.pageSize;
  if (paging.maxItems !== undefined && paging.maxItems <= 0) process.stderr.write('warning: Non-positive values for --max-items may result in undefined behavior.\n');

  const pages: Response[] = [];
  let nonAggregate: Response = {};
  let resumeToken: string | undefined;
  let total = 0;
  let previous: unknown;
  for (let first = true; ; first = false) {
    const page = await caller.call(operation, params);
    let startingTruncation = 0;
    if (first) {
      if (paging.startingToken !== undefined) {
        startingTruncation = startingIndex;
        truncateFirstPage(page, cfg, startingIndex);
      }
      nonAggregate = Object.fromEntries(cfg.nonAggregateKeys.filter((k) => page[k] !== undefined).map((k) => [k, page[k]]));
    }
    const items = (page[primary] as unknown[] | undefined) ?? [];
    const truncateAmount = paging.maxItems !== undefined ? total + items.length - paging.maxItems : 0;
    if (truncateAmount > 0) {
      const keep = items.length - truncateAmount;
      page[primary] = items.slice(0, keep);
      resumeToken = encodeToken({ ...nextToken, boto_truncate_amount: keep + startingTruncation });
      pages.push(page);
      break;
    }
    pages.push(page);
    total += items.length;
    const token = page[cfg.outputToken];
    nextToken = { [cfg.inputToken]: token ? token : null };
    if (!token) break;
    if (paging.maxItems !== undefined && total === paging.maxItems) {
      resumeToken = encodeToken(nextToken);
      break;
    }
    if (previous !== undefined && previous === token) throw new CliError(`The same next token was received twice: ${JSON.stringify(nextToken)}`);
    injectToken(params, nextToken);
    previous = token;
  }
  return { pages, nonAggregate, resumeToken };
}

/** The whole listing as one response, as botocore's build_full_result makes it. */
export function fullResult(paged: Paged, cfg: PaginatorConfig): Response {
  const out: Response = {};
  for (const page of paged.pages) {
    for (const key of cfg.resultKeys) {
      const value = page[key];
      if (value === undefined || value === null) continue;
      out[key] = out[key] === undefined ? [...(value as unknown[])] : [...(out[key] as unknown[]), ...(value as unknown[])];
    }
  }
  Object.assign(out, paged.nonAggregate);
  if (paged.resumeToken !== undefined) out.NextToken = paged.resumeToken;
  return out;
}

/** Page by page, as the aws CLI's text output prints a listing (non-aggregate members with the first page). */
export function textPages(paged: Paged, cfg: PaginatorConfig): Response[] {
  const out = paged.pages.map((page, i) => {
    const current: Response = i === 0 ? { ...paged.nonAggregate } : {};
    for (const key of cfg.resultKeys) if (page[key] !== undefined) current[key] = page[key];
    return current;
  });
  if (paged.resumeToken !== undefined) out.push({ NextToken: { NextToken: paged.resumeToken } });
  return out;
}

function truncateFirstPage(page: Response, cfg: PaginatorConfig, index: number): void {
  const [primary, ...secondary] = cfg.resultKeys;
  const data = page[primary];
  page[primary] = Array.isArray(data) || typeof data === 'string' ? data.slice(index) : undefined;
  for (const key of secondary) {
    const sample = page[key];
    page[key] = Array.isArray(sample) ? [] : typeof sample === 'string' ? '' : typeof sample === 'number' ? sample : undefined;
  }
}

function injectToken(params: Params, token: Token): void {
  for (const [name, value] of Object.entries(token)) {
    if (value !== null && value !== undefined && value !== 'None') params[name] = value;
    else delete params[name];
  }
}

/** Python's json.dumps separators, so the token is byte-for-byte what the aws CLI would print. */
function encodeToken(token: Token): string {
  const json = `{${Object.entries(token).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v ?? null)}`).join(', ')}}`;
  return Buffer.from(json, 'utf8').toString('base64');
}

function parseStartingToken(raw: string, cfg: PaginatorConfig): { token: Token; index: number } {
  try {
    const decoded = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    if (decoded && typeof decoded === 'object' && !Array.isArray(decoded)) {
      const { boto_truncate_amount: index, ...token } = decoded as Token;
      return { token, index: typeof index === 'number' ? index : 0 };
    }
  } catch {
    // not a token we made: the older "token___index" form, or the service's own token
  }
  const parts = raw.split('___');
  let index = 0;
  if (parts.length === 2 && /^\d+$/.test(parts[1])) index = Number.parseInt(parts.pop() as string, 10);
  else if (parts.length !== 1) parts.splice(0, parts.length, raw);
  return { token: { [cfg.inputToken]: parts[0] === 'None' ? null : parts[0] }, index };
}
