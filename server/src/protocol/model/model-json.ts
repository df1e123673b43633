// The botocore-style service model JSON ("version 2.0") as it sits in models/. Only the fields the
// protocol layer reads are typed; documentation and the rest are ignored.

export interface ShapeRef {
  shape: string;
  /** Member-level flag; the models mostly flag the target shape instead, both are honoured. */
  sensitive?: boolean;
  idempotencyToken?: boolean;
}

export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'blob';

export interface ShapeJson {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  exception?: boolean;
  fault?: boolean;
}

export interface OperationJson {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}

export interface ServiceModelJson {
  version?: string;
  metadata: {
    apiVersion: string;
    /** Present on a JSON model of a service that also speaks the Query protocol (STS): errors carry its codes. */
    awsQueryCompatible?: Record<string, never>;
    endpointPrefix: string;
    jsonVersion?: string;
    protocol: string;
    signingName?: string;
    targetPrefix?: string;
    serviceId?: string;
    xmlNamespace?: string;
  };
  operations: Record<string, OperationJson>;
  shapes: Record<string, ShapeJson>;
}

/** Looks a shape up, failing at load time (not on a request) when the model references a missing one. */
export function shapeOf(model: ServiceModelJson, name: string): ShapeJson {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`service model references unknown shape '${name}'`);
  return shape;
}

/**
 * Memoises one compiled function per key. Recursive shapes get a forwarding stub while their own
 * compilation is under way, so a self-referencing structure compiles once and still terminates.
 */
export function memoize<F extends (...args: never[]) => unknown>(
  cache: Map<string, F>,
  key: string,
  build: () => F,
): F {
  const hit = cache.get(key);
  if (hit) return hit;
  let real: F | undefined;
  const stub = ((...args: never[]) => (real as F)(...args)) as F;
  cache.set(key, stub);
  real = build();
  cache.set(key, real);
  return real;
}
