// One AWS JSON 1.1 (or 1.0, STS's) request, in order: route (X-Amz-Target) > authenticate (SigV4) > decode and
// validate (the service model) > invoke (the service) > encode > audit. Every failure becomes an AWS error body;
// anything that is not an AwsError is a bug, logged with the request id and answered as an internal error.
// Every call that names a known service is handed to the audit sink, allowed or not, with the request and
// response already redacted by the model (sensitive members replaced by '***').
import type { Authenticator, Caller, RequestMeta } from '../auth/authenticate.ts';
import { headerReader, type SignedRequest } from '../auth/sigv4/index.ts';
import { AwsError, awsErrors } from '../errors/aws-errors.ts';
import type { OperationModel, ServiceModel } from './model/index.ts';
import { isQueryRequest } from './query/form.ts';
import { asQueryError, queryErrorHeader } from './query/query-errors.ts';
import type { QueryProtocol } from './query/query-protocol.ts';

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
  /** [name, value, name, value, ...], the flat form node:http's writeHead takes without building an object */
  headers: string[];
  body: string;
  /** For the request log and metrics. The service's endpoint prefix, when the target names a known service. */
  service?: string;
  /** The model's name of the operation, when the target names one (never the client's text otherwise). */
  operation?: string;
  /** The AWS error type of a failed call */
  errorType?: string;
  /** The caller's ARN, once authenticated */
  principal?: string;
}

export interface Logger {
  error(message: string, fields: Record<string, unknown>): void;
}

/** One API call as the audit trail records it (audit/ turns it into a CloudTrail-shaped event). */
export interface AuditRecord {
  requestId: string;
  /** the service's endpoint prefix: secretsmanager, kms, coffer */
  service: string;
  operation: string;
  /** undefined when authentication failed */
  caller?: Caller;
  sourceIp?: string;
  userAgent?: string;
  /** the decoded request, redacted; undefined when it could not be decoded */
  request?: Record<string, unknown>;
  /** the response, redacted (computed only when the sink asks: read-only calls do not record it); undefined for failures */
  response?: () => Record<string, unknown>;
  /** the ARN the answer names (answeredArn), whatever the request named the resource by; undefined for failures */
  resourceArn?: string;
  error?: { code: string; message: string };
}

export interface AuditSink {
  /**
   * Must not throw. For a call that changed something it returns a promise that resolves once the event is
   * stored, and the answer waits for it: an acknowledged change always has its event. The promise rejects
   * when the event cannot be stored, and the change is then answered as an internal error. Reads (and failed
   * calls, which changed nothing) return nothing and are written in the background.
   */
  record(entry: AuditRecord): void | Promise<void>;
}

/** The content type of answers that name no known service (a missing or unknown X-Amz-Target). */
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** What the steps of one call have learnt so far (the audit record and the error reply need it). */
interface Call {
  request: SignedRequest;
  requestId: string;
  sourceIp?: string;
  userAgent?: string;
  binding?: ServiceBinding;
  operationName: string;
  caller?: Caller;
  operation?: OperationModel;
  input?: Record<string, unknown>;
}

/** `query`: the Query protocol's service (STS), for the form-encoded requests that carry no X-Amz-Target. */
export function createPipeline(bindings: ServiceBinding[], authenticator: Authenticator, logger: Logger, audit?: AuditSink, query?: QueryProtocol) {
  // The credential must be scoped to the service the target names: a signature for KMS does not authorise a
  // Secrets Manager call (AWS: "Credential should be scoped to correct service").
  const byPrefix = new Map(bindings.map((b) => [b.model.targetPrefix, { binding: b, signingNames: [b.model.signingName] }]));

  function reply(call: Call, status: number, payload: unknown, errorType?: string, queryError?: string): PipelineResponse {
    const model = call.binding?.model;
    const contentType = model ? `application/x-amz-json-${model.jsonVersion}` : CONTENT_TYPE;
    const headers = ['content-type', contentType, 'x-amzn-requestid', call.requestId];
    if (errorType) headers.push('x-amzn-errortype', errorType);
    if (queryError) headers.push('x-amzn-query-error', queryError);
    return {
      status,
      headers,
      body: JSON.stringify(payload),
      service: call.binding?.model.endpointPrefix,
      operation: call.operation ? call.operationName : undefined,
      errorType,
      principal: call.caller?.arn,
    };
  }

  /**
   * A service that also speaks the Query protocol (STS) answers with the Query error's status and names its code
   * in x-amzn-query-error, which the SDKs of such a service take as the error's name (awsQueryCompatible).
   */
  function errorReply(call: Call, err: AwsError): PipelineResponse {
    const query = call.binding?.model.query ? asQueryError(err) : undefined;
    return reply(call, query?.status ?? err.status, { __type: err.code, Message: err.message }, err.code, query && queryErrorHeader(query));
  }

  function record(call: Call, response?: Record<string, unknown>, error?: AwsError): void | Promise<void> {
    const { binding, operation, input } = call;
    if (!audit || !binding) return;
    try {
      return audit.record({
        requestId: call.requestId,
        service: binding.model.endpointPrefix,
        operation: call.operationName,
        caller: call.caller,
        sourceIp: call.sourceIp,
        userAgent: call.userAgent,
        request: input && operation ? operation.redactInput(input) : undefined,
        response: response && operation ? () => operation.redactOutput(response) : undefined,
        resourceArn: response ? answeredArn(response) : undefined,
        error: error ? { code: error.code, message: error.message } : undefined,
      });
    } catch (err) {
      logger.error('audit record failed', { requestId: call.requestId, operation: call.operationName, error: String(err) });
    }
  }

  /**
   * Route and authenticate > decode and invoke > encode and audit; any failure is answered by fail().
   * X-Amz-Target repeated is joined (as node:http's header map does), which names no operation.
   */
  async function handle(request: SignedRequest, requestId: string, meta: RequestMeta = {}): Promise<PipelineResponse> {
    const headers = headerReader(request);
    const call: Call = { request, requestId, sourceIp: meta.sourceIp, userAgent: headers.first('user-agent'), operationName: '?' };
    const target = headers.joined('x-amz-target');
    if (target === undefined && query && isQueryRequest(headers.first('content-type'))) return query.handle(request, requestId, meta, headers);
    try {
      const dot = target ? target.lastIndexOf('.') : -1;
      const route = dot > 0 ? byPrefix.get(target!.slice(0, dot)) : undefined;
      if (!route) throw awsErrors.unknownOperation(target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header naming the operation');
      const binding = route.binding;
      call.binding = binding;
      call.operationName = target!.slice(dot + 1);
      // Looked up before authentication so that a refused signature is still reported under its operation.
      const operation = binding.model.operations.get(call.operationName);
      call.operation = operation;

      const caller = await authenticator.authenticate(request, route.signingNames, headers, { ...meta, userAgent: call.userAgent });
      call.caller = caller;
      if (!operation) throw awsErrors.unknownOperation(`Unknown operation ${target}`);
      const handler = binding.handlers[call.operationName];
      if (!handler) throw awsErrors.notImplemented(`Coffer does not implement ${binding.model.targetPrefix}.${call.operationName} yet.`);

      const input = operation.decodeInput(parseBody(request.body));
      call.input = input;
      const output = (await handler(caller, input)) as Record<string, unknown>;
      const encoded = operation.encodeOutput(output);
      // A change is answered only once its audit event is stored (record returns a promise for those).
      const stored = record(call, output);
      if (stored) {
        try {
          await stored;
        } catch (err) {
          return unaudited(call, err);
        }
      }
      return reply(call, 200, encoded);
    } catch (err) {
      return fail(call, err);
    }
  }

  /**
   * A change whose audit event could not be stored is not acknowledged: an internal error (which the SDKs
   * retry; the idempotent operations take the same ClientRequestToken again). No second event is recorded:
   * the call's own stays queued and is retried (none when the trail was closed or full, like any event then).
   */
  function unaudited(call: Call, err: unknown): PipelineResponse {
    logger.error('audit event of a change not stored: answered as an internal error', { requestId: call.requestId, operation: call.operationName, error: String(err) });
    return errorReply(call, call.binding ? call.binding.internalError() : awsErrors.internal());
  }

  function fail(call: Call, err: unknown): PipelineResponse {
    if (err instanceof AwsError) {
      record(call, undefined, err);
      return errorReply(call, err);
    }
    logger.error('request failed', {
      requestId: call.requestId,
      operation: call.operationName,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    const fault = call.binding ? call.binding.internalError() : awsErrors.internal();
    record(call, undefined, fault);
    return errorReply(call, fault);
  }

  return { handle };
}

/**
 * The ARN a successful answer names: Secrets Manager's `ARN`, KMS's `KeyMetadata.Arn` or its `KeyId` (always
 * the key's ARN in an answer). The audit trail files the call under it, so a secret read by name and a key
 * used by alias are found by their ARN like every other call on them. Read from the answer itself, a few
 * property reads, because read-only calls never build the redacted response; an ARN is never sensitive.
 */
function answeredArn(output: Record<string, unknown>): string | undefined {
  const arn = output.ARN ?? (output.KeyMetadata as { Arn?: unknown } | undefined)?.Arn ?? output.KeyId;
  return typeof arn === 'string' && arn.startsWith('arn:') ? arn : undefined;
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
