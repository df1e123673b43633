// Turns one flag's raw command-line value into the parameter value its model shape wants, as the aws CLI does:
// file:// / fileb:// first, then JSON (a value starting with `[` or `{`), shorthand for lists of structures,
// structures and maps, plain scalars otherwise; blobs are base64 text or fileb:// bytes (aws CLI v2).
import { ParamError } from '../errors.ts';
import { SCALAR_TYPES, shapeOf, type ServiceModel, type Shape } from '../model/service-model.ts';
import { loadParamFile } from './param-file.ts';
import { parseShorthand, ShorthandSyntaxError, type ShorthandValue } from './shorthand.ts';

export function unpackArgument(model: ServiceModel, shape: Shape, raw: unknown, flag: string, member: string): unknown {
  if (shape.type === 'boolean') return raw === true || raw === false ? raw : coerceScalar(shape, String(raw), member, flag);
  if (shape.type === 'list') return unpackList(model, shape, raw as string[] | string, flag, member);
  let value: string | Buffer = raw as string;
  value = loadParamFile(value, flag) ?? value;
  if (shape.type === 'blob') return toBlob(value, flag);
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (shape.type === 'structure' || shape.type === 'map') {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{')) return coerceJson(model, shape, parseJson(text, flag), member, flag);
    return fromShorthand(model, shape, text, flag, member);
  }
  return coerceScalar(shape, text, member, flag);
}

function unpackList(model: ServiceModel, shape: Shape, raw: string[] | string, flag: string, path: string): unknown[] {
  const values = Array.isArray(raw) ? raw : [raw];
  const member = shapeOf(model, shape.member!);
  if (values.length === 1) {
    const loaded = loadParamFile(values[0], flag);
    const text = loaded === undefined ? values[0] : Buffer.isBuffer(loaded) ? loaded.toString('utf8') : loaded;
    if (text.trim().startsWith('[')) return coerceJson(model, shape, parseJson(text, flag), path, flag) as unknown[];
    if (loaded !== undefined) return [unpackListElement(model, member, text, flag, `${path}[0]`)];
  }
  return values.map((v, i) => unpackListElement(model, member, v, flag, `${path}[${i}]`));
}

function unpackListElement(model: ServiceModel, member: Shape, value: string, flag: string, path: string): unknown {
  if (SCALAR_TYPES.has(member.type)) return member.type === 'blob' ? toBlob(value, flag) : coerceScalar(member, value, path, flag);
  if (value.trim().startsWith('{') || value.trim().startsWith('[')) return coerceJson(model, member, parseJson(value, flag), path, flag);
  return fromShorthand(model, member, value, flag, path);
}

function fromShorthand(model: ServiceModel, shape: Shape, text: string, flag: string, path: string): unknown {
  let parsed: ShorthandValue;
  try {
    parsed = parseShorthand(text, flag);
  } catch (err) {
    if (err instanceof ShorthandSyntaxError) throw new ParamError(flag, err.message);
    throw err;
  }
  return coerceJson(model, shape, parsed, path, flag);
}

/** JSON.parse with a message that names the problem and position but never repeats the value. */
export function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const position = /position (\d+)/.exec(message)?.[1];
    const kind = /end of JSON input/.test(message)
      ? 'unexpected end of input'
      : `${/Unexpected token/.test(message) ? 'unexpected token' : 'not valid JSON'}${position ? ` at position ${position}` : ''}`;
    throw new ParamError(flag, `Invalid JSON: ${kind} (the value is not repeated here)`);
  }
}

/**
 * Applies a shape to a value parsed from JSON or shorthand: numbers and booleans given as text become typed,
 * a single value where a list is expected becomes a one-element list, blobs are base64-decoded and timestamps
 * parsed. Unknown structure members are refused, as botocore's validation refuses them.
 */
export function coerceJson(model: ServiceModel, shape: Shape, value: unknown, path: string, flag: string): unknown {
  if (value === null || value === undefined) return value;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) throw invalidType(flag, path, value, 'structure');
      const members = shape.members ?? {};
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const ref = members[key];
        if (!ref) throw new ParamError(flag, `Unknown parameter in ${path}: "${key}", must be one of: ${Object.keys(members).join(', ')}`);
        out[key] = coerceJson(model, shapeOf(model, ref), v, `${path}.${key}`, flag);
      }
      return out;
    }
    case 'list': {
      const member = shapeOf(model, shape.member!);
      const list = Array.isArray(value) ? value : [value];
      return list.map((v, i) => coerceJson(model, member, v, `${path}[${i}]`, flag));
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) throw invalidType(flag, path, value, 'map');
      const valueShape = shapeOf(model, shape.value!);
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, coerceJson(model, valueShape, v, `${path}.${k}`, flag)]));
    }
    case 'blob':
      if (Buffer.isBuffer(value)) return new Uint8Array(value);
      if (typeof value !== 'string') throw invalidType(flag, path, value, 'blob');
      return toBlob(value, flag);
    default:
      if (typeof value === 'string' || Buffer.isBuffer(value)) return coerceScalar(shape, value.toString(), path, flag);
      return checkScalar(shape, value, path, flag);
  }
}

function coerceScalar(shape: Shape, text: string, path: string, flag: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
      if (!/^\s*[-+]?\d+\s*$/.test(text)) throw new ParamError(flag, `invalid integer value for ${path}`);
      return Number.parseInt(text, 10);
    case 'double':
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) throw new ParamError(flag, `invalid number for ${path}`);
      return n;
    }
    case 'boolean':
      if (/^true$/i.test(text)) return true;
      if (/^false$/i.test(text)) return false;
      throw new ParamError(flag, `invalid boolean for ${path}: expected true or false`);
    case 'timestamp': {
      const date = /^\d+(\.\d+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
      if (Number.isNaN(date.getTime())) throw new ParamError(flag, `invalid timestamp for ${path}`);
      return date;
    }
    default:
      return text;
  }
}

function checkScalar(shape: Shape, value: unknown, path: string, flag: string): unknown {
  const expected = { integer: 'number', long: 'number', double: 'number', float: 'number', boolean: 'boolean', string: 'string', timestamp: 'number' }[shape.type as string];
  if (shape.type === 'timestamp' && typeof value === 'number') return new Date(value * 1000);
  if (typeof value !== expected) throw invalidType(flag, path, value, shape.type);
  if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value)) throw invalidType(flag, path, value, shape.type);
  return value;
}

function invalidType(flag: string, path: string, value: unknown, expected: string): ParamError {
  const actual = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value === 'object' ? 'structure' : typeof value;
  return new ParamError(flag, `Invalid type for parameter ${path}: got a ${actual}, expected a ${expected}`);
}

function toBlob(value: string | Buffer, flag: string): Uint8Array {
  if (Buffer.isBuffer(value)) return new Uint8Array(value);
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new ParamError(flag, 'Invalid base64 (blob values are base64 text, or fileb://path for raw bytes)');
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
