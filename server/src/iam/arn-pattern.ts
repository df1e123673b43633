// ARN matching for the Resource element and the Arn* condition operators. AWS compares an ARN component
// by component: "Each of the six colon-delimited components of the ARN is checked separately and each
// can include multi-character match wildcards (*) or single-character match wildcards (?)" (IAM, ARN
// condition operators). The sixth component keeps any further colons, so `secret:app/*` is one component
// and matches `secret:app/db-AbCdEf`. Matching is case-sensitive.
import { compilePattern, wildcardSource, type PatternResult } from './pattern.ts';
import type { ContextLookup, Pattern } from './types.ts';

const ARN_SEGMENTS = 6;

/**
 * Split at the first five colons that are not inside a `${...}` policy variable (whose key contains a
 * colon itself: `${aws:username}`).
 */
export function splitArn(value: string, skipVariables = false): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length && parts.length < ARN_SEGMENTS - 1; i++) {
    if (skipVariables && value[i] === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end > 0) i = end;
      continue;
    }
    if (value[i] === ':') {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/** A resource is `*` or has all six ARN components (`arn:partition:service:region:account:resource`). */
export function isArnLike(value: string, skipVariables = false): boolean {
  return value.startsWith('arn:') && splitArn(value, skipVariables).length === ARN_SEGMENTS;
}

export function compileArnPattern(source: string, opts: { variables: boolean }): PatternResult {
  // A lone `*` means every resource (Resource: "*") / every ARN (ArnLike: "*").
  if (source === '*') {
    return { ok: true, pattern: { source, hasWildcard: true, hasVariable: false, test: () => true } };
  }
  const segments: Pattern[] = [];
  for (const segment of splitArn(source, opts.variables)) {
    const r = compilePattern(segment, { wildcards: true, variables: opts.variables, ignoreCase: false });
    if (!r.ok) return r;
    segments.push(r.pattern);
  }
  const hasWildcard = segments.some((s) => s.hasWildcard);
  const hasVariable = segments.some((s) => s.hasVariable);
  const last = segments.length - 1;
  // Walks the value component by component (no array per call: this runs for every Resource element).
  const test = (value: string, ctx: ContextLookup): boolean => {
    let start = 0;
    for (let i = 0; i < last; i++) {
      const colon = value.indexOf(':', start);
      if (colon < 0 || !segments[i].test(value.slice(start, colon), ctx)) return false;
      start = colon + 1;
    }
    const rest = value.slice(start);
    // Fewer than six components in the pattern: the value must not have more.
    if (last < ARN_SEGMENTS - 1 && rest.includes(':')) return false;
    return segments[last].test(rest, ctx);
  };
  // Without wildcards or variables the component split changes nothing: compare the strings directly.
  if (!hasWildcard && !hasVariable) {
    return { ok: true, pattern: { source, hasWildcard, hasVariable, test: (value) => value === source } };
  }
  // Six components and no variables (`arn:aws:secretsmanager:*:*:secret:app/*`): one anchored RegExp whose
  // wildcards stay inside their component (the first five cannot cross a `:`, the last, the resource, can),
  // instead of a slice and a test per component.
  // (`${*}` and the like are literal characters that look like wildcards: such sources keep the general path.)
  if (!hasVariable && last === ARN_SEGMENTS - 1 && !(opts.variables && source.includes('${'))) {
    const re = new RegExp(`^${splitArn(source).map((segment, i) => wildcardSource(segment, i === last ? undefined : '[^:]')).join(':')}$`);
    return { ok: true, pattern: { source, hasWildcard, hasVariable, test: (value) => re.test(value) } };
  }
  return { ok: true, pattern: { source, hasWildcard, hasVariable, test } };
}
