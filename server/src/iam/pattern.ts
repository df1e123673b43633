// `*` / `?` wildcards and policy variables, compiled once into the cheapest matcher that does the job:
// a constant, a string comparison, a prefix test, or an anchored RegExp.
//
// AWS rules pinned here:
// - `*` matches any run of characters (including none and including `:` and `/`), `?` exactly one.
// - Policy variables `${aws:username}`, `${aws:PrincipalTag/team, 'default'}` are replaced by the request's
//   value of that key; `${*}`, `${?}`, `${$}` stand for a literal `*`, `?`, `$` (IAM "Policy variables").
//   Variables exist only in Version 2012-10-17 documents; in 2008-10-17 `${...}` is plain text.
// - A variable whose key is absent (and has no default) makes the pattern match nothing; a substituted value
//   is literal text, never a wildcard.
import type { ContextLookup, Pattern } from './types.ts';

export interface PatternOptions {
  /** Treat `*` and `?` as wildcards (StringLike, ArnLike, Resource, Action) or as plain text (StringEquals). */
  wildcards: boolean;
  /** Resolve `${...}` policy variables (Version 2012-10-17 and an element that supports them). */
  variables: boolean;
  /** StringEqualsIgnoreCase and action names. */
  ignoreCase: boolean;
}

type Token =
  | { t: 'text'; s: string }
  | { t: 'star' }
  | { t: 'one' }
  | { t: 'var'; key: string; asWritten: string; fallback?: string };

export type PatternResult = { ok: true; pattern: Pattern } | { ok: false; error: string };

const NO_CONTEXT: ContextLookup = { values: () => undefined, single: () => undefined };
// Inside `${...}`: a condition key (service:Name, may contain `/`), optionally `, 'default value'`.
const VARIABLE_BODY = /^\s*([A-Za-z0-9-]+:[A-Za-z0-9_./:+=@-]+)\s*(?:,\s*'([^']*)'\s*)?$/;

function tokenize(source: string, opts: PatternOptions): Token[] | string {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push({ t: 'text', s: text });
    text = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (opts.variables && ch === '$' && source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2);
      if (end < 0) return `unterminated policy variable starting at '${source.slice(i, i + 20)}'`;
      const body = source.slice(i + 2, end);
      i = end;
      if (body === '*' || body === '?' || body === '$') {
        text += body; // ${*} ${?} ${$}: the character itself, never a wildcard
        continue;
      }
      const m = VARIABLE_BODY.exec(body);
      if (!m) return `'\${${body}}' is not a policy variable (expected a condition key such as \${aws:username})`;
      flush();
      tokens.push({ t: 'var', key: m[1].toLowerCase(), asWritten: m[1], fallback: m[2] });
      continue;
    }
    if (opts.wildcards && (ch === '*' || ch === '?')) {
      flush();
      tokens.push(ch === '*' ? { t: 'star' } : { t: 'one' });
      continue;
    }
    text += ch;
  }
  flush();
  return tokens;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Any character (the default) or a narrower class, such as an ARN component's `[^:]`. */
const ANY_CHARACTER = '[\\s\\S]';

/** Unanchored RegExp text of the tokens; `any` is what `?` matches one of and `*` a run of. */
function tokensSource(tokens: readonly Token[], resolved?: readonly string[], any = ANY_CHARACTER): string {
  let src = '';
  let v = 0;
  for (const tok of tokens) {
    if (tok.t === 'text') src += escapeRegExp(tok.s);
    else if (tok.t === 'star') src += `${any}*`;
    else if (tok.t === 'one') src += any;
    else src += escapeRegExp(resolved![v++]);
  }
  return src;
}

function regexSource(tokens: readonly Token[], resolved?: readonly string[]): string {
  return `^${tokensSource(tokens, resolved)}$`;
}

/** Unanchored RegExp text of a `*`/`?` pattern without variables, its wildcards limited to `any` (default: any character). */
export function wildcardSource(text: string, any = ANY_CHARACTER): string {
  // Without variables tokenize has nothing to refuse: it always returns tokens.
  return tokensSource(tokenize(text, { wildcards: true, variables: false, ignoreCase: false }) as Token[], undefined, any);
}

/** A matcher for patterns without variables: pick the cheapest exact form. */
function staticMatcher(tokens: readonly Token[], ignoreCase: boolean): (value: string) => boolean {
  if (tokens.length === 1 && tokens[0].t === 'star') return () => true;
  const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (tokens.every((t) => t.t === 'text')) {
    const exact = norm(tokens.map((t) => (t.t === 'text' ? t.s : '')).join(''));
    return (value) => norm(value) === exact;
  }
  if (tokens.length === 2 && tokens[0].t === 'text' && tokens[1].t === 'star') {
    const prefix = norm(tokens[0].s);
    return (value) => norm(value).startsWith(prefix);
  }
  const re = new RegExp(regexSource(tokens), ignoreCase ? 'i' : '');
  return (value) => re.test(value);
}

export function compilePattern(source: string, opts: PatternOptions): PatternResult {
  const tokens = tokenize(source, opts);
  if (typeof tokens === 'string') return { ok: false, error: tokens };
  const hasWildcard = tokens.some((t) => t.t === 'star' || t.t === 'one');
  const hasVariable = tokens.some((t) => t.t === 'var');
  if (!hasVariable) {
    const match = staticMatcher(tokens, opts.ignoreCase);
    return { ok: true, pattern: { source, hasWildcard, hasVariable, test: (value) => match(value) } };
  }
  const test = (value: string, ctx: ContextLookup): boolean => {
    const resolved: string[] = [];
    let full = '';
    for (const tok of tokens) {
      if (tok.t === 'text') full += tok.s;
      else if (tok.t === 'var') {
        const v = ctx.single(tok.key, tok.asWritten) ?? tok.fallback;
        if (v === undefined) return false; // AWS: an unresolvable variable matches nothing
        resolved.push(v);
        full += v;
      }
    }
    if (!hasWildcard) return opts.ignoreCase ? full.toLowerCase() === value.toLowerCase() : full === value;
    return new RegExp(regexSource(tokens, resolved), opts.ignoreCase ? 'i' : '').test(value);
  };
  return { ok: true, pattern: { source, hasWildcard, hasVariable, test } };
}

/** For literal-only callers (actions): compile or throw; the caller has validated the text already. */
export function staticPattern(source: string, opts: Omit<PatternOptions, 'variables'>): (value: string) => boolean {
  const r = compilePattern(source, { ...opts, variables: false });
  if (!r.ok) throw new Error(r.error);
  const p = r.pattern;
  return (value) => p.test(value, NO_CONTEXT);
}

export { NO_CONTEXT };
