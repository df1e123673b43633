// Reads an AWS service model (botocore JSON) at start-up and compiles, per operation, the request
// decoder/validator, the response encoder and the redactors. All model walking happens here, once; a
// request only runs the compiled closures.

import { readFileSync } from 'node:fs';
import { createDecoderCompiler, type Decoder } from './decoder.ts';
import { createEncoderCompiler, type Encoder } from './encoder.ts';
import { shapeOf, type ServiceModelJson } from './model-json.ts';
import { createRedactorCompiler, sensitivePaths, type Redactor } from './redactor.ts';
import { bodyMismatch } from './serialization-errors.ts';
import { validationError, type DecodeContext } from './violations.ts';

/** Paths of the sensitive members of one operation, e.g. 'SecretString', 'SecretValues[].SecretString'. */
export interface SensitiveMembers {
  readonly input: readonly string[];
  readonly output: readonly string[];
}

export interface OperationModel {
  readonly name: string;
  /**
   * Checks and decodes a parsed JSON 1.1 request body into the model's PascalCase members (blobs as
   * Buffer, timestamps as Date). Throws AwsError SerializationException for wrong JSON types and
   * ValidationException listing every constraint violation.
   */
  decodeInput(body: unknown): Record<string, unknown>;
  /** Encodes a service result for the wire: modelled members only, Date -> epoch seconds, bytes -> base64. */
  encodeOutput(output: Record<string, unknown>): Record<string, unknown>;
  /** Copies of input/output with every sensitive member replaced by '***' (for logs and audit). */
  redactInput(input: Record<string, unknown>): Record<string, unknown>;
  redactOutput(output: Record<string, unknown>): Record<string, unknown>;
  /** The error shapes the model lists for this operation. */
  readonly errorShapes: Set<string>;
  readonly sensitive: SensitiveMembers;
}

export interface ServiceModel {
  /** X-Amz-Target prefix, e.g. 'secretsmanager' or 'TrentService'. */
  readonly targetPrefix: string;
  readonly signingName: string;
  readonly endpointPrefix: string;
  readonly apiVersion: string;
  /** '1.0' or '1.1': the content type application/x-amz-json-<version> of requests and answers. */
  readonly jsonVersion: string;
  /**
   * Set for a service that also speaks the Query protocol (STS): its JSON errors also name the Query error code
   * (x-amzn-query-error), and its Query answers use this XML namespace.
   */
  readonly query?: { readonly xmlNamespace: string };
  readonly operations: Map<string, OperationModel>;
  /** Sensitive member paths by operation name. */
  readonly sensitiveMembers: Map<string, SensitiveMembers>;
  /** Every modelled exception shape, with whether it is a server fault (5xx). */
  readonly errors: Map<string, { readonly fault: boolean }>;
}

export function loadServiceModel(path: string): ServiceModel {
  return buildServiceModel(JSON.parse(readFileSync(path, 'utf8')) as ServiceModelJson);
}

/** Same as loadServiceModel for an already parsed (possibly patched) model document. */
export function buildServiceModel(model: ServiceModelJson): ServiceModel {
  const { metadata } = model;
  if (!metadata || metadata.protocol !== 'json' || !metadata.targetPrefix) {
    throw new Error(`service model ${metadata?.endpointPrefix ?? '?'} is not an AWS JSON protocol model with a targetPrefix`);
  }
  const decoderOf = createDecoderCompiler(model);
  const encoderOf = createEncoderCompiler(model);
  const redactorOf = createRedactorCompiler(model);

  const operations = new Map<string, OperationModel>();
  const sensitiveMembers = new Map<string, SensitiveMembers>();
  for (const op of Object.values(model.operations)) {
    const sensitive = { input: sensitivePaths(model, op.input), output: sensitivePaths(model, op.output) };
    const operation: OperationModel = {
      name: op.name,
      decodeInput: inputDecoder(op.input ? decoderOf(op.input) : undefined),
      encodeOutput: asRecord(op.output ? encoderOf(op.output) : () => ({})),
      redactInput: asRecord(op.input ? redactorOf(op.input) : () => ({})),
      redactOutput: asRecord(op.output ? redactorOf(op.output) : () => ({})),
      errorShapes: new Set((op.errors ?? []).map((e) => e.shape)),
      sensitive,
    };
    operations.set(op.name, operation);
    sensitiveMembers.set(op.name, sensitive);
  }

  const errors = new Map<string, { fault: boolean }>();
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (shape.exception) errors.set(name, { fault: shape.fault === true });
  }
  for (const op of Object.values(model.operations)) {
    for (const e of op.errors ?? []) shapeOf(model, e.shape);
  }

  return {
    targetPrefix: metadata.targetPrefix,
    signingName: metadata.signingName ?? metadata.endpointPrefix,
    endpointPrefix: metadata.endpointPrefix,
    apiVersion: metadata.apiVersion,
    jsonVersion: metadata.jsonVersion ?? '1.1',
    query: metadata.awsQueryCompatible && metadata.xmlNamespace ? { xmlNamespace: metadata.xmlNamespace } : undefined,
    operations,
    sensitiveMembers,
    errors,
  };
}

/** Given an operation and one of its inputs or outputs, a copy with sensitive members replaced by '***'. */
export function redactSensitive(
  operation: OperationModel,
  direction: 'input' | 'output',
  value: Record<string, unknown>,
): Record<string, unknown> {
  return direction === 'input' ? operation.redactInput(value) : operation.redactOutput(value);
}

function inputDecoder(decode: Decoder | undefined): (body: unknown) => Record<string, unknown> {
  return (body) => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bodyMismatch(body);
    if (!decode) return {};
    const ctx: DecodeContext = { violations: [] };
    const out = decode(body, '', '', ctx) as Record<string, unknown>;
    if (ctx.violations.length > 0) throw validationError(ctx.violations);
    return out;
  };
}

function asRecord(fn: Encoder | Redactor): (value: Record<string, unknown>) => Record<string, unknown> {
  return fn as (value: Record<string, unknown>) => Record<string, unknown>;
}
