// A Caller for services without an SDK client (Coffer's admin API): AWS JSON 1.1 over POST /, signed with
// @smithy/signature-v4 (what the SDKs sign with) for the descriptor's signing name, with the region and the
// credentials the SDK's chain resolves (--profile, AWS_* variables, shared files), as the SDK verbs get them.
// Timestamps travel as epoch seconds both ways; errors become the CLI's errors as the SDK's do.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { debugLog, type GlobalOptions } from '../args/global-options.ts';
import { CliError, ServiceError } from '../errors.ts';
import { shapeOf, type ServiceModel, type Shape } from '../model/service-model.ts';
import type { JsonProtocol } from '../model/services.ts';
import type { Caller, Params, Response } from './call.ts';
import { createClient, type ClientTarget } from './client.ts';
import { classifySdkError } from './errors.ts';

export async function createJsonCaller(model: ServiceModel, protocol: JsonProtocol, globals: GlobalOptions, target: ClientTarget = globals, endpointFlag = '--endpoint-url'): Promise<Caller> {
  const { client, endpoint, region } = await createClient(target, endpointFlag);
  const profile = target.profile ?? process.env.AWS_PROFILE;
  let signer: SignatureV4 | undefined;
  const getSigner = async (operation: string): Promise<SignatureV4> => {
    if (signer) return signer;
    try {
      const credentials = await client.config.credentials();
      signer = new SignatureV4({ credentials, region, service: protocol.signingName, sha256: NodeSha256 });
      return signer;
    } catch (err) {
      throw classifySdkError(err, operation, endpoint, profile);
    }
  };
  return {
    endpoint,
    region,
    destroy: () => client.destroy(),
    async call(operation, params, options = {}) {
      const op = model.operations[operation];
      if (!op) throw new Error(`the model has no operation ${operation}`);
      const url = new URL(endpoint);
      const path = url.pathname || '/';
      const request = {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path,
        query: {},
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${protocol.targetPrefix}.${operation}` },
        body: serializeInput(params),
      };
      const signed = await (await getSigner(operation)).sign(request);
      const headers = { ...(signed.headers as Record<string, string>) };
      delete headers.host;
      const started = Date.now();
      debugLog(globals, `${operation} -> ${endpoint} (${region}) parameters: ${Object.keys(params).join(', ') || '(none)'}`);
      let res: globalThis.Response;
      try {
        res = await fetch(new URL(path, url), { method: 'POST', headers, body: request.body, signal: options.abortSignal });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw classifySdkError({ code: cause?.code, message: cause?.message ?? (err as Error).message }, operation, endpoint, profile);
      }
      const text = await res.text();
      const requestId = res.headers.get('x-amzn-requestid') ?? '?';
      debugLog(globals, `${operation} <- ${res.status} request id ${requestId} in ${Date.now() - started} ms`);
      let json: Record<string, unknown> = {};
      try {
        json = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        if (res.ok) throw new CliError(`the ${operation} response is not JSON`);
      }
      if (!res.ok) {
        const type = String(res.headers.get('x-amzn-errortype') ?? json.__type ?? json.code ?? 'Unknown');
        const code = type.split(':')[0].split('#').pop() ?? type;
        throw new ServiceError(code, operation, String(json.message ?? json.Message ?? ''));
      }
      return op.output ? (parseTimestamps(model, shapeOf(model, op.output), json) as Response) : {};
    },
  };
}

/** The input as JSON: dates as epoch seconds (AWS JSON 1.1's default timestamp format), blobs as base64. */
function serializeInput(params: Params): string {
  return JSON.stringify(params, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    const raw = key === '' ? value : this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
    return value;
  });
}

/** Epoch-seconds timestamps in a response back to Dates, so the output is printed as for the SDK verbs. */
function parseTimestamps(model: ServiceModel, shape: Shape, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  switch (shape.type) {
    case 'structure': {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = { ...source };
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (source[name] !== undefined) out[name] = parseTimestamps(model, shapeOf(model, ref), source[name]);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => parseTimestamps(model, shapeOf(model, shape.member!), v));
    case 'map':
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, parseTimestamps(model, shapeOf(model, shape.value!), v)]));
    case 'timestamp':
      return typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : value;
    default:
      return value;
  }
}

// The SHA-256 constructor the SDK itself gives SignatureV4 in Node.
const NodeSha256 = Hash.bind(null, 'sha256');
