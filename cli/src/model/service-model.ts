// The Secrets Manager service model (models/secretsmanager-2017-10-17.json, the same file the server is built
// from) as the CLI needs it: shapes for flags, output key order and help text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir } from '../paths.ts';

export interface MemberRef {
  shape: string;
  documentation?: string;
  idempotencyToken?: boolean;
}

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  enum?: string[];
  sensitive?: boolean;
  documentation?: string;
}

export interface OperationModel {
  name: string;
  input?: { shape: string };
  output?: { shape: string };
  documentation?: string;
}

export interface ServiceModel {
  metadata: { serviceId: string; endpointPrefix: string };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** Reads and parses a model from models/ (Secrets Manager's is ~200 KB): load it once per process and pass it on. */
export function loadServiceModel(file = 'secretsmanager-2017-10-17.json'): ServiceModel {
  return JSON.parse(readFileSync(join(modelsDir(), file), 'utf8')) as ServiceModel;
}

export function shapeOf(model: ServiceModel, ref: { shape: string }): Shape {
  const shape = model.shapes[ref.shape];
  if (!shape) throw new Error(`the service model has no shape ${ref.shape}`);
  return shape;
}

export const SCALAR_TYPES = new Set(['string', 'integer', 'long', 'boolean', 'timestamp', 'blob', 'double', 'float']);

/** Plain text of a model documentation string: tags stripped, entities decoded, whitespace collapsed. */
export function plainDoc(html: string | undefined): string {
  if (!html) return '';
  return html
    .replace(/<\/?(code|i|b|em|strong|a)(\s[^>]*)?>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:])/g, '$1')
    .trim();
}

/** The first sentence of a documentation string, for one-line help. */
export function firstSentence(html: string | undefined): string {
  const text = plainDoc(html);
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}
