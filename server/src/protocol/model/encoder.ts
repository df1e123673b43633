// Compiles output shapes into encoders for AWS JSON 1.1 responses: only modelled members are copied (a
// service cannot leak a field the model does not declare), absent members are dropped, Dates become
// epoch seconds (fractions keep milliseconds) and bytes become base64.

import { memoize, shapeOf, type ServiceModelJson, type ShapeRef } from './model-json.ts';

export type Encoder = (value: unknown) => unknown;

const identity: Encoder = (value) => value;

const encodeTimestamp: Encoder = (value) => {
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'number') return value;
  throw new TypeError(`timestamp member must be a Date or epoch seconds, got ${typeof value}`);
};

const encodeBlob: Encoder = (value) => {
  if (value instanceof Uint8Array) {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return bytes.toString('base64');
  }
  // A string here would be ambiguous (text or already base64?); services must hand over bytes.
  throw new TypeError(`blob member must be a Buffer or Uint8Array, got ${typeof value}`);
};

export function createEncoderCompiler(model: ServiceModelJson): (ref: ShapeRef) => Encoder {
  const cache = new Map<string, Encoder>();

  const compile = (ref: ShapeRef): Encoder => memoize(cache, ref.shape, () => build(ref.shape));

  const build = (name: string): Encoder => {
    const shape = shapeOf(model, name);
    switch (shape.type) {
      case 'structure': {
        const members = Object.entries(shape.members ?? {}).map(([member, ref]) => ({ member, encode: compile(ref) }));
        const count = members.length;
        return (value) => {
          const input = value as Record<string, unknown>;
          const out: Record<string, unknown> = {};
          for (let i = 0; i < count; i++) {
            const m = members[i];
            const v = input[m.member];
            if (v === undefined || v === null) continue;
            out[m.member] = m.encode(v);
          }
          return out;
        };
      }
      case 'list': {
        const element = compile(shape.member as ShapeRef);
        if (element === identity) return identity;
        return (value) => (value as unknown[]).map(element);
      }
      case 'map': {
        const entry = compile(shape.value as ShapeRef);
        if (entry === identity) return identity;
        return (value) => {
          const out: Record<string, unknown> = {};
          for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
            if (v === undefined || v === null) continue;
            if (key === '__proto__') Object.defineProperty(out, key, { value: entry(v), enumerable: true, writable: true, configurable: true });
            else out[key] = entry(v);
          }
          return out;
        };
      }
      case 'timestamp':
        return encodeTimestamp;
      case 'blob':
        return encodeBlob;
      default:
        return identity;
    }
  };

  return compile;
}
