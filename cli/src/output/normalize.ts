// SDK output -> the plain data the aws CLI formats: members in the model's order (botocore parses in that
// order), timestamps as ISO 8601 like aws CLI v2 prints them, blobs as base64, nothing the model lacks.
import { shapeOf, type ServiceModel, type Shape } from '../model/service-model.ts';
import { isoFormat } from './iso-date.ts';

export function normalize(model: ServiceModel, shape: Shape | undefined, value: unknown): unknown {
  if (value === undefined || value === null || !shape) return value;
  switch (shape.type) {
    case 'structure': {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (source[name] === undefined) continue;
        out[name] = normalize(model, shapeOf(model, ref), source[name]);
      }
      return out;
    }
    case 'list': {
      const member = shapeOf(model, shape.member!);
      return (value as unknown[]).map((v) => normalize(model, member, v));
    }
    case 'map': {
      const valueShape = shapeOf(model, shape.value!);
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalize(model, valueShape, v)]));
    }
    case 'timestamp':
      return value instanceof Date ? isoFormat(value) : value;
    case 'blob':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
    default:
      return value;
  }
}
