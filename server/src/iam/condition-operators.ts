// The condition operators of the IAM policy language (IAM: "Condition operators"), each compiled from its
// policy values into one predicate: "does this request value match at least one policy value?". Negation,
// IfExists and the ForAnyValue / ForAllValues qualifiers are applied around it in condition-eval.ts, the
// same way for every operator.
//
// Policy variables are resolved in String* and Arn* values only (the operator families IAM lists as
// supporting them); Numeric, Date, Bool, Binary and IP values are literal.
import { compileArnPattern } from './arn-pattern.ts';
import { blockContains, parseCidr, parseIp, type IpBlock } from './ip-address.ts';
import { compilePattern } from './pattern.ts';
import { parseBool, parseDate, parseNumber } from './scalar-values.ts';
import type { ContextLookup, OperatorFamily, Pattern } from './types.ts';

export type MatchesAny = (value: string, ctx: ContextLookup) => boolean;
export type OperatorCompile = { ok: true; matchesAny: MatchesAny } | { ok: false; error: string };

export interface OperatorDef {
  readonly base: string;
  readonly family: OperatorFamily;
  readonly negated: boolean;
  compile(values: readonly string[], opts: { variables: boolean }): OperatorCompile;
}

function patterns(values: readonly string[], build: (v: string) => ReturnType<typeof compilePattern>): OperatorCompile {
  const compiled: Pattern[] = [];
  for (const v of values) {
    const r = build(v);
    if (!r.ok) return { ok: false, error: r.error };
    compiled.push(r.pattern);
  }
  return {
    ok: true,
    matchesAny: (value, ctx) => {
      for (const p of compiled) if (p.test(value, ctx)) return true;
      return false;
    },
  };
}

function stringOp(wildcards: boolean, ignoreCase: boolean): OperatorDef['compile'] {
  return (values, { variables }) => {
    // The common case, plain values compared exactly: one Set lookup instead of a scan.
    if (!wildcards && !ignoreCase && !(variables && values.some((v) => v.includes('${')))) {
      const set = new Set(values);
      return { ok: true, matchesAny: (value) => set.has(value) };
    }
    return patterns(values, (v) => compilePattern(v, { wildcards, variables, ignoreCase }));
  };
}

function arnOp(): OperatorDef['compile'] {
  return (values, { variables }) => patterns(values, (v) => compileArnPattern(v, { variables }));
}

function scalarOp(
  parse: (s: string) => number | undefined,
  what: string,
  compare: (request: number, policy: number) => boolean,
): OperatorDef['compile'] {
  return (values) => {
    const parsed: number[] = [];
    for (const v of values) {
      const n = parse(v);
      if (n === undefined) return { ok: false, error: `'${v}' is not ${what}` };
      parsed.push(n);
    }
    return {
      ok: true,
      matchesAny: (value) => {
        const n = parse(value);
        if (n === undefined) return false;
        for (const p of parsed) if (compare(n, p)) return true;
        return false;
      },
    };
  };
}

const NUMBER = 'a number (integer or decimal)';
const DATE = 'a date (ISO 8601 such as 2026-01-31T12:00:00Z, or epoch seconds)';

const boolOp: OperatorDef['compile'] = (values) => {
  const wanted = new Set<boolean>();
  for (const v of values) {
    const b = parseBool(v);
    if (b === undefined) return { ok: false, error: `'${v}' is not true or false` };
    wanted.add(b);
  }
  return {
    ok: true,
    matchesAny: (value) => {
      const b = parseBool(value);
      return b !== undefined && wanted.has(b);
    },
  };
};

const binaryOp: OperatorDef['compile'] = (values) => {
  for (const v of values) {
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v)) {
      return { ok: false, error: `'${v}' is not base64` };
    }
  }
  const set = new Set(values);
  return { ok: true, matchesAny: (value) => set.has(value) };
};

const ipOp: OperatorDef['compile'] = (values) => {
  const blocks: IpBlock[] = [];
  for (const v of values) {
    const b = parseCidr(v);
    if (!b) return { ok: false, error: `'${v}' is not an IPv4 or IPv6 address or CIDR block` };
    blocks.push(b);
  }
  return {
    ok: true,
    matchesAny: (value) => {
      const ip = parseIp(value);
      if (ip === undefined) return false;
      for (const b of blocks) if (blockContains(b, ip)) return true;
      return false;
    },
  };
};

// Null compares presence, not values: condition-eval.ts reads nullExpectsAbsent; this only validates.
const nullOp: OperatorDef['compile'] = (values) => {
  for (const v of values) if (parseBool(v) === undefined) return { ok: false, error: `'${v}' is not true or false` };
  return { ok: true, matchesAny: () => false };
};

const defs: OperatorDef[] = [
  { base: 'StringEquals', family: 'String', negated: false, compile: stringOp(false, false) },
  { base: 'StringNotEquals', family: 'String', negated: true, compile: stringOp(false, false) },
  { base: 'StringEqualsIgnoreCase', family: 'String', negated: false, compile: stringOp(false, true) },
  { base: 'StringNotEqualsIgnoreCase', family: 'String', negated: true, compile: stringOp(false, true) },
  { base: 'StringLike', family: 'String', negated: false, compile: stringOp(true, false) },
  { base: 'StringNotLike', family: 'String', negated: true, compile: stringOp(true, false) },
  { base: 'NumericEquals', family: 'Numeric', negated: false, compile: scalarOp(parseNumber, NUMBER, (r, p) => r === p) },
  { base: 'NumericNotEquals', family: 'Numeric', negated: true, compile: scalarOp(parseNumber, NUMBER, (r, p) => r === p) },
  { base: 'NumericLessThan', family: 'Numeric', negated: false, compile: scalarOp(parseNumber, NUMBER, (r, p) => r < p) },
  { base: 'NumericLessThanEquals', family: 'Numeric', negated: false, compile: scalarOp(parseNumber, NUMBER, (r, p) => r <= p) },
  { base: 'NumericGreaterThan', family: 'Numeric', negated: false, compile: scalarOp(parseNumber, NUMBER, (r, p) => r > p) },
  { base: 'NumericGreaterThanEquals', family: 'Numeric', negated: false, compile: scalarOp(parseNumber, NUMBER, (r, p) => r >= p) },
  { base: 'DateEquals', family: 'Date', negated: false, compile: scalarOp(parseDate, DATE, (r, p) => r === p) },
  { base: 'DateNotEquals', family: 'Date', negated: true, compile: scalarOp(parseDate, DATE, (r, p) => r === p) },
  { base: 'DateLessThan', family: 'Date', negated: false, compile: scalarOp(parseDate, DATE, (r, p) => r < p) },
  { base: 'DateLessThanEquals', family: 'Date', negated: false, compile: scalarOp(parseDate, DATE, (r, p) => r <= p) },
  { base: 'DateGreaterThan', family: 'Date', negated: false, compile: scalarOp(parseDate, DATE, (r, p) => r > p) },
  { base: 'DateGreaterThanEquals', family: 'Date', negated: false, compile: scalarOp(parseDate, DATE, (r, p) => r >= p) },
  { base: 'Bool', family: 'Bool', negated: false, compile: boolOp },
  { base: 'BinaryEquals', family: 'Binary', negated: false, compile: binaryOp },
  { base: 'IpAddress', family: 'IpAddress', negated: false, compile: ipOp },
  { base: 'NotIpAddress', family: 'IpAddress', negated: true, compile: ipOp },
  { base: 'ArnEquals', family: 'Arn', negated: false, compile: arnOp() },
  { base: 'ArnLike', family: 'Arn', negated: false, compile: arnOp() },
  { base: 'ArnNotEquals', family: 'Arn', negated: true, compile: arnOp() },
  { base: 'ArnNotLike', family: 'Arn', negated: true, compile: arnOp() },
  { base: 'Null', family: 'Null', negated: false, compile: nullOp },
];

/** Every base operator, by lower-cased name. */
export const OPERATORS: ReadonlyMap<string, OperatorDef> = new Map(defs.map((d) => [d.base.toLowerCase(), d]));
export const OPERATOR_NAMES: readonly string[] = defs.map((d) => d.base);

export interface ParsedOperator {
  def: OperatorDef;
  qualifier: 'ForAnyValue' | 'ForAllValues' | undefined;
  ifExists: boolean;
}

/**
 * `[ForAnyValue:|ForAllValues:]<Operator>[IfExists]`. Operator names are matched case-insensitively and
 * reported in their canonical spelling. Null takes no IfExists (it is itself the existence test).
 */
export function parseOperator(name: string): { ok: true; op: ParsedOperator } | { ok: false; error: string } {
  let rest = name;
  let qualifier: ParsedOperator['qualifier'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === 'foranyvalue') qualifier = 'ForAnyValue';
    else if (q === 'forallvalues') qualifier = 'ForAllValues';
    else return { ok: false, error: `unknown set qualifier '${rest.slice(0, colon)}:' (use ForAnyValue: or ForAllValues:)` };
    rest = rest.slice(colon + 1);
  }
  let def = OPERATORS.get(rest.toLowerCase());
  let ifExists = false;
  if (!def && /ifexists$/i.test(rest)) {
    def = OPERATORS.get(rest.slice(0, -'IfExists'.length).toLowerCase());
    ifExists = def !== undefined;
  }
  if (!def) return { ok: false, error: `unknown condition operator '${name}'${suggest(rest)}` };
  if (def.base === 'Null' && ifExists) return { ok: false, error: `'${name}' is not an operator: Null already tests whether the key exists` };
  return { ok: true, op: { def, qualifier, ifExists } };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function suggest(name: string): string {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = 3;
  for (const n of [...OPERATOR_NAMES, ...OPERATOR_NAMES.filter((o) => o !== 'Null').map((o) => `${o}IfExists`)]) {
    const d = distance(lower, n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best ? `; did you mean '${best}'?` : '';
}
