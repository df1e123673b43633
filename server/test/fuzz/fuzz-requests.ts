// One generated API call: an operation of Secrets Manager, KMS or the Coffer admin API with a body built
// from the operation's input shape, often mutated, sometimes replaced by bytes that are no JSON object at
// all, with now and then a wrong X-Amz-Target or Content-Type. Rendered per store (Refs resolved) as the
// exact bytes and headers to sign and send.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { repoDir } from '../../src/paths.ts';
import type { ServiceModelJson } from '../../src/protocol/model/model-json.ts';
import { applyChange, bodyChange, oversizedBody, rawBody } from './mutations.ts';
import { resolveRefs, toJsonText, type StoreRefs } from './refs.ts';
import { createShapeArbitraries } from './shape-arbitraries.ts';

export interface FuzzService {
  targetPrefix: string;
  signingName: string;
  operations: string[];
  /** how often this service is picked, relative to the others */
  weight: number;
  bodyOf(operation: string): fc.Arbitrary<Record<string, unknown>>;
}

export interface FuzzRequest {
  signingName: string;
  operation: string;
  /** X-Amz-Target; undefined to leave the header out */
  target: string | undefined;
  contentType: string;
  /** a body template (Refs unresolved), or exact bytes */
  body: Record<string, unknown> | Buffer;
}

export interface RenderedRequest {
  signingName: string;
  target: string | undefined;
  contentType: string;
  body: Buffer;
}

/** Operations that wait for something to happen, and the member that says how long. */
const LONG_POLLS: Record<string, string> = { GetSecretChanges: 'WaitSeconds' };

/** The three API models Coffer serves, every operation of each. */
export function loadFuzzServices(): FuzzService[] {
  const files: Array<[string, number]> = [
    ['secretsmanager-2017-10-17.json', 4],
    ['kms-2014-11-01.json', 3],
    ['coffer-admin.json', 3],
  ];
  return files.map(([file, weight]) => {
    const model = JSON.parse(readFileSync(join(repoDir(), 'models', file), 'utf8')) as ServiceModelJson;
    const arbitraryOf = createShapeArbitraries(model);
    const bodies = new Map<string, fc.Arbitrary<Record<string, unknown>>>();
    return {
      targetPrefix: model.metadata.targetPrefix!,
      signingName: model.metadata.signingName ?? model.metadata.endpointPrefix,
      operations: Object.keys(model.operations),
      weight,
      bodyOf(operation) {
        let body = bodies.get(operation);
        if (!body) {
          const input = model.operations[operation].input;
          body = (input ? arbitraryOf(input, '') : fc.constant({})) as fc.Arbitrary<Record<string, unknown>>;
          // A long poll would hold each run up to 20 s: the fuzzer sends it without its wait.
          if (LONG_POLLS[operation]) body = body.map(({ [LONG_POLLS[operation]]: _wait, ...rest }) => rest);
          bodies.set(operation, body);
        }
        return body;
      },
    };
  });
}

const JSON_11 = 'application/x-amz-json-1.1';

export function fuzzRequest(services: FuzzService[]): fc.Arbitrary<FuzzRequest> {
  const prefixes = services.map((s) => s.targetPrefix);
  const perService = services.map((service) => ({
    weight: service.weight,
    arbitrary: fc.constantFrom(...service.operations).chain((operation) => requestFor(service, operation, prefixes)),
  }));
  return fc.oneof(...perService);
}

function requestFor(service: FuzzService, operation: string, prefixes: string[]): fc.Arbitrary<FuzzRequest> {
  const target = `${service.targetPrefix}.${operation}`;
  const valid = service.bodyOf(operation);
  const body = fc.oneof(
    { weight: 20, arbitrary: valid },
    { weight: 24, arbitrary: fc.tuple(valid, fc.array(bodyChange, { minLength: 1, maxLength: 3 })).map(([b, changes]) => changes.reduce(applyChange, b)) },
    { weight: 4, arbitrary: rawBody },
    { weight: 1, arbitrary: oversizedBody },
  );
  const wrongTarget = fc.constantFrom(
    undefined,
    '',
    `${service.targetPrefix}.${operation.toLowerCase()}`,
    `${service.targetPrefix}.NoSuchOperation`,
    `${service.targetPrefix}.`,
    `.${operation}`,
    `${target}.Extra`,
    ...prefixes.filter((p) => p !== service.targetPrefix).map((p) => `${p}.${operation}`),
  );
  const contentType = fc.oneof(
    { weight: 20, arbitrary: fc.constant(JSON_11) },
    fc.constantFrom('application/json', 'application/x-amz-json-1.0', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
  );
  return fc.record({
    signingName: fc.constant(service.signingName),
    operation: fc.constant(operation),
    target: fc.oneof({ weight: 20, arbitrary: fc.constant(target) }, wrongTarget),
    contentType,
    body,
  });
}

/** The request as one store receives it: its own names and ids in place of the Refs. */
export function render(request: FuzzRequest, refs: StoreRefs): RenderedRequest {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(toJsonText(resolveRefs(request.body, refs)), 'utf8');
  return { signingName: request.signingName, target: request.target, contentType: request.contentType, body };
}

/** A short, printable account of a request for a failure report (NUL and other controls escaped). */
export function describeRequest(request: RenderedRequest): string {
  const text = request.body.toString('utf8');
  const shown = text.length > 300 ? `${text.slice(0, 300)}... (${request.body.length} bytes)` : text;
  return `${request.target ?? '(no X-Amz-Target)'} [${request.contentType || 'no content-type'}] ${JSON.stringify(shown)}`;
}
