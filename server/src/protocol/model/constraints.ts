// Model constraints (min/max, pattern, enum) compiled once per shape into small predicate lists, with
// AWS's constraint texts. Lengths: strings count UTF-16 code units, which is what Java's String.length()
// (and so AWS) counts, and is exactly JS's .length; blobs count bytes; lists count elements; maps count
// entries. Numbers use value bounds.

import type { ShapeJson } from './model-json.ts';
import type { Echo } from './value-echo.ts';
import { joinPath, violation, type DecodeContext } from './violations.ts';

export interface Rule {
  test: (value: never) => boolean;
  message: string;
}

/** Checks an already-decoded value; violations are appended, nothing is thrown. */
export type Check = (value: unknown, parent: string, name: string, ctx: DecodeContext) => void;

const patternCache = new Map<string, RegExp>();

/**
 * Model patterns are Java regexes that must match the whole value (Pattern.matches), so they are wrapped
 * in ^(?:...)$. The 'u' flag matches Java's code-point semantics but rejects identity escapes such as
 * '\!' that Java allows (FilterValueStringType), so those fall back to a non-unicode RegExp.
 */
export function compilePattern(pattern: string): RegExp {
  const hit = patternCache.get(pattern);
  if (hit) return hit;
  let compiled: RegExp | undefined;
  for (const flags of ['u', '']) {
    try {
      compiled = new RegExp(`^(?:${pattern})$`, flags);
      break;
    } catch {
      // try the next flag set
    }
  }
  if (!compiled) throw new Error(`model pattern ${JSON.stringify(pattern)} is not usable as a JavaScript RegExp`);
  patternCache.set(pattern, compiled);
  return compiled;
}

function sizeOf(shape: ShapeJson): ((value: never) => number) | undefined {
  switch (shape.type) {
    case 'string':
      return (v: string) => v.length;
    case 'blob':
      return (v: Uint8Array) => v.byteLength;
    case 'list':
      return (v: unknown[]) => v.length;
    case 'map':
      return (v: object) => Object.keys(v).length;
    default:
      return undefined;
  }
}

/**
 * Coffer's one rule beyond the model: no U+0000 in a string that is not sensitive. Such strings are stored
 * or compared in SQL, and PostgreSQL's text cannot hold U+0000 while SQLite's can, so without the rule the
 * two stores would answer the same request differently. Sensitive strings (SecretString...) are sealed
 * before they are stored, so they keep every character.
 */
const NO_NUL: Rule = { test: (v: string) => !v.includes('\u0000'), message: 'Member must not contain the character U+0000' };

/** `sensitive`: the member's value is sealed, never stored or compared as text (see NO_NUL). */
export function compileRules(shape: ShapeJson, sensitive = false): Rule[] {
  const rules: Rule[] = [];
  const size = sizeOf(shape);
  const { min, max } = shape;
  if (size) {
    if (min !== undefined && min > 0) {
      rules.push({ test: (v) => size(v) >= min, message: `Member must have length greater than or equal to ${min}` });
    }
    if (max !== undefined) {
      rules.push({ test: (v) => size(v) <= max, message: `Member must have length less than or equal to ${max}` });
    }
  } else if (shape.type !== 'boolean' && shape.type !== 'timestamp' && shape.type !== 'structure') {
    if (min !== undefined) {
      rules.push({ test: (v: number) => v >= min, message: `Member must have value greater than or equal to ${min}` });
    }
    if (max !== undefined) {
      rules.push({ test: (v: number) => v <= max, message: `Member must have value less than or equal to ${max}` });
    }
  }
  if (shape.type === 'string' && shape.pattern !== undefined) {
    const regex = compilePattern(shape.pattern);
    rules.push({ test: (v: string) => regex.test(v), message: `Member must satisfy regular expression pattern: ${shape.pattern}` });
  }
  if (shape.type === 'string' && shape.enum !== undefined) {
    const allowed = new Set(shape.enum);
    // Model order; AWS's own order is not stable across services, so this is the readable choice.
    rules.push({ test: (v: string) => allowed.has(v), message: `Member must satisfy enum value set: [${shape.enum.join(', ')}]` });
  }
  if (shape.type === 'string' && !sensitive) rules.push(NO_NUL);
  return rules;
}

/**
 * undefined when the shape has no constraints, so decoders can skip the call entirely. The returned check
 * first runs one inlined predicate for the common all-valid case and only walks the rule list (to build
 * messages) when something failed.
 */
export function compileCheck(shape: ShapeJson, echo: Echo, sensitive: boolean): Check | undefined {
  const rules = compileRules(shape, sensitive);
  if (rules.length === 0) return undefined;
  const count = rules.length;
  const report: Check = (value, parent, name, ctx) => {
    for (let i = 0; i < count; i++) {
      const rule = rules[i];
      if (!rule.test(value as never)) {
        ctx.violations.push(violation(joinPath(parent, name), sensitive ? undefined : echo(value), rule.message));
      }
    }
  };
  const lo = shape.min ?? -Infinity;
  const hi = shape.max ?? Infinity;
  switch (shape.type) {
    case 'string': {
      const regex = shape.pattern === undefined ? undefined : compilePattern(shape.pattern);
      const allowed = shape.enum === undefined ? undefined : new Set(shape.enum);
      return (value, parent, name, ctx) => {
        const v = value as string;
        const n = v.length;
        if (n >= lo && n <= hi && (regex === undefined || regex.test(v)) && (allowed === undefined || allowed.has(v)) && (sensitive || !v.includes('\u0000'))) {
          return;
        }
        report(value, parent, name, ctx);
      };
    }
    case 'blob':
      return (value, parent, name, ctx) => {
        const n = (value as Uint8Array).byteLength;
        if (n < lo || n > hi) report(value, parent, name, ctx);
      };
    case 'list':
      return (value, parent, name, ctx) => {
        const n = (value as unknown[]).length;
        if (n < lo || n > hi) report(value, parent, name, ctx);
      };
    default:
      // Numbers (value bounds) and maps (entry counts) are rare enough to go through the rule list.
      return report;
  }
}
