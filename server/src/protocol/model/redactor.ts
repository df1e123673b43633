// Redaction for logs and audit: copies an operation's input or output with every sensitive member
// (SecretString, SecretBinary, RandomPassword, Plaintext, ...) replaced by '***'. Like the encoder it
// keeps only modelled members, so an unmodelled field can never slip into a log line.

import { memoize, shapeOf, type ServiceModelJson, type ShapeRef } from './model-json.ts';
import { isSensitive } from './value-echo.ts';

export type Redactor = (value: unknown) => unknown;

export const REDACTED = '***';

const identity: Redactor = (value) => value;
const redacted: Redactor = () => REDACTED;

export function createRedactorCompiler(model: ServiceModelJson): (ref: ShapeRef) => Redactor {
  const cache = new Map<string, Redactor>();

  const compile = (ref: ShapeRef): Redactor => {
    if (isSensitive(model, ref)) return redacted;
    return memoize(cache, ref.shape, () => build(ref.shape));
  };

  const build = (name: string): Redactor => {
    const shape = shapeOf(model, name);
    switch (shape.type) {
      case 'structure': {
        const members = Object.entries(shape.members ?? {}).map(([member, ref]) => ({ member, redact: compile(ref) }));
        return (value) => {
          if (typeof value !== 'object' || value === null) return value;
          const input = value as Record<string, unknown>;
          const out: Record<string, unknown> = {};
          for (const { member, redact } of members) {
            const v = input[member];
            if (v !== undefined && v !== null) out[member] = redact(v);
          }
          return out;
        };
      }
      case 'list': {
        const element = compile(shape.member as ShapeRef);
        return (value) => (Array.isArray(value) ? value.map(element) : value);
      }
      case 'map': {
        const entry = compile(shape.value as ShapeRef);
        return (value) => {
          if (typeof value !== 'object' || value === null) return value;
          const out: Record<string, unknown> = {};
          for (const [key, v] of Object.entries(value)) {
            if (key === '__proto__') Object.defineProperty(out, key, { value: entry(v), enumerable: true, writable: true, configurable: true });
            else out[key] = entry(v);
          }
          return out;
        };
      }
      default:
        return identity;
    }
  };

  return compile;
}

/**
 * Where the sensitive members sit, for documentation and audit configuration: 'SecretString',
 * 'SecretValues[].SecretString', 'EncryptionContext{}' style paths from the top of the shape.
 */
export function sensitivePaths(model: ServiceModelJson, root: ShapeRef | undefined): string[] {
  const found: string[] = [];
  const visit = (ref: ShapeRef, path: string, seen: ReadonlySet<string>): void => {
    if (isSensitive(model, ref)) {
      found.push(path);
      return;
    }
    if (seen.has(ref.shape)) return;
    const next = new Set(seen).add(ref.shape);
    const shape = shapeOf(model, ref.shape);
    if (shape.type === 'structure') {
      for (const [member, child] of Object.entries(shape.members ?? {})) visit(child, path === '' ? member : `${path}.${member}`, next);
    } else if (shape.type === 'list') {
      visit(shape.member as ShapeRef, `${path}[]`, next);
    } else if (shape.type === 'map') {
      visit(shape.value as ShapeRef, `${path}{}`, next);
    }
  };
  if (root) visit(root, '', new Set());
  return found;
}
