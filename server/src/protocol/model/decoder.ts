// Compiles a model shape into one function that type-checks, decodes and validates a JSON value in a
// single pass. Type mismatches throw a SerializationException at once (AWS deserialises before it
// validates, so a type error wins over any constraint failure); constraint failures are collected in the
// context so the caller can report them all together.
//
// Decoders receive the parent path and their own path segment separately and only join them when a
// violation is reported or a container needs a path for its children: a valid request of scalars builds
// no path strings at all.

import { compileCheck, compileRules, type Check } from './constraints.ts';
import { memoize, shapeOf, type ServiceModelJson, type ShapeJson, type ShapeRef } from './model-json.ts';
import { decodeBase64, listMismatch, mapMismatch, scalarMismatch, structureMismatch } from './serialization-errors.ts';
import { createEchoCompiler, isSensitive, type Echo } from './value-echo.ts';
import { joinPath, lowerCamel, violation, type DecodeContext } from './violations.ts';

/** `value` is never null or undefined: callers treat those as an absent member. */
export type Decoder = (value: unknown, parent: string, name: string, ctx: DecodeContext) => unknown;

interface MemberPlan {
  name: string;
  segment: string;
  required: boolean;
  sensitive: boolean;
  decode: Decoder;
}

/** Assigns a user-chosen map key without letting '__proto__' reach the prototype setter. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function createDecoderCompiler(model: ServiceModelJson): (ref: ShapeRef) => Decoder {
  const cache = new Map<string, Decoder>();
  const echoOf = createEchoCompiler(model);

  const compile = (ref: ShapeRef): Decoder => {
    const sensitive = isSensitive(model, ref);
    // A member-level sensitive flag changes only how values are echoed, so it gets its own variant.
    return memoize(cache, sensitive ? `${ref.shape}#sensitive` : ref.shape, () => build(ref, sensitive));
  };

  const build = (ref: ShapeRef, sensitive: boolean): Decoder => {
    const shape = shapeOf(model, ref.shape);
    const echo = echoOf(ref);
    const check = compileCheck(shape, echo, sensitive);
    switch (shape.type) {
      case 'structure':
        return structureDecoder(shape);
      case 'list':
        return listDecoder(shape, check);
      case 'map':
        return mapDecoder(shape, check, echo);
      case 'string':
        return (value, parent, name, ctx) => {
          if (typeof value !== 'string') throw scalarMismatch(value, 'a String');
          if (check) check(value, parent, name, ctx);
          return value;
        };
      case 'integer':
      case 'long':
      case 'float':
      case 'double': {
        const target = shape.type === 'integer' ? 'an Integer' : shape.type === 'long' ? 'a Long' : shape.type === 'float' ? 'a Float' : 'a Double';
        // Athena (measured) truncates a fractional number sent for an integer member instead of failing.
        const whole = shape.type === 'integer' || shape.type === 'long';
        return (value, parent, name, ctx) => {
          if (typeof value !== 'number') throw scalarMismatch(value, target);
          const n = whole ? Math.trunc(value) : value;
          if (check) check(n, parent, name, ctx);
          return n;
        };
      }
      case 'boolean':
        return (value) => {
          if (typeof value !== 'boolean') throw scalarMismatch(value, 'a Boolean');
          return value;
        };
      case 'timestamp':
        // AWS JSON 1.1 sends timestamps as epoch seconds, possibly fractional.
        return (value) => {
          if (typeof value !== 'number') throw scalarMismatch(value, 'a Timestamp');
          return new Date(value * 1000);
        };
      case 'blob':
        return (value, parent, name, ctx) => {
          if (typeof value !== 'string') throw scalarMismatch(value, 'a Blob');
          const bytes = decodeBase64(value, sensitive);
          if (check) check(bytes, parent, name, ctx);
          return bytes;
        };
      default:
        throw new Error(`shape '${ref.shape}' has unsupported type '${(shape as ShapeJson).type}'`);
    }
  };

  const structureDecoder = (shape: ShapeJson): Decoder => {
    const required = new Set(shape.required ?? []);
    // A recursive member resolves to the memo stub of the shape being built here.
    const members: MemberPlan[] = Object.entries(shape.members ?? {}).map(([name, ref]) => ({
      name,
      segment: lowerCamel(name),
      required: required.has(name),
      sensitive: isSensitive(model, ref),
      decode: compile(ref),
    }));
    const count = members.length;
    return (value, parent, name, ctx) => {
      if (typeof value !== 'object' || Array.isArray(value)) throw structureMismatch(value);
      const input = value as Record<string, unknown>;
      // Inlined joinPath: this runs for every structure, including the request body itself ('' + '').
      const path = parent === '' ? name : name === '' ? parent : `${parent}.${name}`;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) {
        const m = members[i];
        // Model member names are PascalCase, so a plain read can never hit Object.prototype's
        // lowercase-first properties; unknown members of the body are simply never read (AWS ignores them).
        const v = input[m.name];
        if (v === undefined || v === null) {
          if (m.required) ctx.violations.push(violation(joinPath(path, m.segment), m.sensitive ? undefined : null, 'Member must not be null'));
          continue;
        }
        out[m.name] = m.decode(v, path, m.segment, ctx);
      }
      return out;
    };
  };

  const listDecoder = (shape: ShapeJson, check: Check | undefined): Decoder => {
    const element = compile(shape.member as ShapeRef);
    return (value, parent, name, ctx) => {
      if (!Array.isArray(value)) throw listMismatch(value);
      const path = joinPath(parent, name);
      const mark = ctx.violations.length;
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        // Athena (measured) drops null elements rather than rejecting them.
        if (v === undefined || v === null) continue;
        out.push(element(v, `${path}.${i + 1}`, 'member', ctx));
      }
      if (check) reportFirst(ctx, mark, () => check(out, parent, name, ctx));
      return out;
    };
  };

  const mapDecoder = (shape: ShapeJson, check: Check | undefined, echo: Echo): Decoder => {
    const keyShape = shapeOf(model, (shape.key as ShapeRef).shape);
    const keyRules = compileRules(keyShape);
    const keyMessage = `Map keys must satisfy constraint: [${keyRules.map((r) => r.message).join(', ')}]`;
    const valueDecoder = compile(shape.value as ShapeRef);
    return (value, parent, name, ctx) => {
      if (typeof value !== 'object' || Array.isArray(value)) throw mapMismatch(value);
      const path = joinPath(parent, name);
      const mark = ctx.violations.length;
      const out: Record<string, unknown> = {};
      let badKeys = false;
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined || v === null) continue;
        if (!badKeys && keyRules.some((r) => !r.test(key as never))) badKeys = true;
        setKey(out, key, valueDecoder(v, `${path}.${key}`, 'member', ctx));
      }
      reportFirst(ctx, mark, () => {
        if (check) check(out, parent, name, ctx);
        if (badKeys) ctx.violations.push(violation(path, echo(out), keyMessage));
      });
      return out;
    };
  };

  return compile;
}

/**
 * A container's own constraints are reported before those of its elements, but can only be checked
 * once the elements are decoded: run them afterwards and move their messages up to `mark`.
 */
function reportFirst(ctx: DecodeContext, mark: number, run: () => void): void {
  const before = ctx.violations.length;
  run();
  if (ctx.violations.length === before || before === mark) return;
  const own = ctx.violations.splice(before);
  ctx.violations.splice(mark, 0, ...own);
}
