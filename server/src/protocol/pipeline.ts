// One AWS JSON 1.1 request, in order: route (X-Amz-Target) > authenticate (SigV4) > decode and validate
// (the service model) > invoke (the service) > encode. Every failure becomes an AWS error body; anything
// that is not an AwsError is a bug, logged with the request id and answered as an internal error.
import type { Authenticator, Caller } from '../auth/authenticate.ts';
import type { SignedRequest } from '../auth/sigv4/index.ts';
import { AwsError, awsErrors } from './errors.ts';
import type { OperationModel, ServiceModel } from './model/index.ts';

export type Handler = (caller: Caller, input: Record<string, unknown>) => Promise<unknown>;

export interface ServiceBinding {
  model: ServiceModel;
  /** Operations Coffer implements; the model's other operations answer NotImplementedException. */
  handlers: Record<string, Handler>;
  /** The error type for unexpected faults: the model's own (InternalServiceError, KMSInternalException...). */
  internalError: () => AwsError;
}

export interface PipelineResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Logger {
  error(message: string, fields: Record<string, unknown>): void;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function createPipeline(bindings: ServiceBinding[], authenticator: Authenticator, logger: Logger) {
  const byPrefix = new Map(bindings.map((b) => [b.model.targetPrefix, b]));

  function reply(requestId: string, status: number, payload: unknown, errorType?: string): PipelineResponse {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    return { status, headers, body: JSON.stringify(payload) };
  }

  function errorReply(requestId: string, err: AwsError): PipelineResponse {
    return reply(requestId, err.status, { __type: err.code, Message: err.message }, err.code);
  }

  async function handle(request: SignedRequest, requestId: string): Promise<PipelineResponse> {
    let binding: ServiceBinding | undefined;
    let operationName = '?';
    try {
      const target = headerValue(request.headers['x-amz-target']);
      const dot = target ? target.lastIndexOf('.') : -1;
      binding = dot > 0 ? byPrefix.get(target!.slice(0, dot)) : undefined;
      if (!binding) throw awsErrors.unknownOperation(target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header naming the operation');
      operationName = target!.slice(dot + 1);

      // The credential must be scoped to the service the target names: a signature for KMS does not
      // authorise a Secrets Manager call (AWS: "Credential should be scoped to correct service").
      const caller = await authenticator.authenticate(request, [binding.model.signingName]);
      const operation: OperationModel | undefined = binding.model.operations.get(operationName);
      if (!operation) throw awsErrors.unknownOperation(`Unknown operation ${target}`);
      const handler = binding.handlers[operationName];
      if (!handler) throw awsErrors.notImplemented(`Coffer does not implement ${binding.model.targetPrefix}.${operationName} yet.`);

      const input = operation.decodeInput(parseBody(request.body));
      const output = (await handler(caller, input)) as Record<string, unknown>;
      return reply(requestId, 200, operation.encodeOutput(output));
    } catch (err) {
      if (err instanceof AwsError) return errorReply(requestId, err);
      logger.error('request failed', {
        requestId,
        operation: operationName,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      return errorReply(requestId, binding ? binding.internalError() : awsErrors.internal());
    }
  }

  return { handle };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    // V8's parse message quotes the input, which may hold a secret value: say only what is wrong.
    throw awsErrors.serialization('The request body is not valid JSON.');
  }
}
