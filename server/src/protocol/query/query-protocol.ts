// One AWS Query protocol call (STS's: a form-encoded POST / with Action and Version, answered in XML), in the
// pipeline's order: parse the form > authenticate (SigV4, scoped to the service's signing name) > invoke >
// encode > audit. Failures are answered as the Query protocol's <ErrorResponse>; anything that is not an
// AwsError is a bug, logged with the request id and answered as InternalFailure.
import type { Authenticator, Caller, RequestMeta } from '../../auth/authenticate.ts';
import type { HeaderReader, SignedRequest } from '../../auth/sigv4/index.ts';
import { AwsError } from '../../errors/aws-errors.ts';
import type { AuditSink, Handler, Logger, PipelineResponse } from '../pipeline.ts';
import { parseQueryForm } from './form.ts';
import { errorXml, resultXml } from './xml.ts';

export interface QueryBinding {
  /** the endpoint prefix, for logs, metrics and the audit trail (eventSource sts.amazonaws.com) */
  endpointPrefix: string;
  signingName: string;
  /** the API version every request must name (2011-06-15 for STS) */
  version: string;
  xmlNamespace: string;
  /** The service's operations Coffer knows of but does not implement: answered NotImplemented, not InvalidAction. */
  knownOperations: readonly string[];
  /** Implemented operations; each answers a flat record of strings (the Result's members). */
  handlers: Record<string, Handler>;
}

const CONTENT_TYPE = 'text/xml';

/**
 * The JSON services' authentication errors under the names and statuses the Query services give them
 * (STS answers 403 SignatureDoesNotMatch where Secrets Manager answers 400 InvalidSignatureException).
 */
const AUTH_ERRORS: Record<string, { code: string; status: number }> = {
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', status: 403 },
  UnrecognizedClientException: { code: 'InvalidClientTokenId', status: 403 },
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', status: 403 },
  IncompleteSignatureException: { code: 'IncompleteSignature', status: 400 },
};

export function createQueryProtocol(binding: QueryBinding, authenticator: Authenticator, logger: Logger, audit?: AuditSink) {
  const signingNames = [binding.signingName];
  const known = new Set([...binding.knownOperations, ...Object.keys(binding.handlers)]);

  function answer(status: number, body: string, requestId: string, operation?: string, caller?: Caller, errorType?: string): PipelineResponse {
    return {
      status,
      headers: ['content-type', CONTENT_TYPE, 'x-amzn-requestid', requestId],
      body,
      service: binding.endpointPrefix,
      operation,
      errorType,
      principal: caller?.arn,
    };
  }

  async function handle(request: SignedRequest, requestId: string, meta: RequestMeta, headers: HeaderReader): Promise<PipelineResponse> {
    const userAgent = headers.first('user-agent');
    let operation: string | undefined;
    let caller: Caller | undefined;
    let input: Record<string, unknown> | undefined;
    const record = (output?: Record<string, unknown>, error?: AwsError): void => {
      if (!audit || !operation) return;
      try {
        // Every operation Coffer implements here reads and changes nothing: the audit sink writes it in the background.
        void audit.record({
          requestId,
          service: binding.endpointPrefix,
          operation,
          caller,
          sourceIp: meta.sourceIp,
          userAgent,
          // The form's other pairs are not recorded: without a model there is nothing to redact them by, and
          // the implemented operations take no parameters (a client's stray pair must not reach the trail).
          request: input ? {} : undefined,
          response: output ? () => output : undefined,
          error: error ? { code: error.code, message: error.message } : undefined,
        });
      } catch (err) {
        logger.error('audit record failed', { requestId, operation, error: String(err) });
      }
    };
    try {
      const form = parseQueryForm(request.body, binding.version);
      // Only a name the service has is reported (and audited) as the operation, never the client's text.
      if (known.has(form.action)) operation = form.action;
      caller = await authenticator.authenticate(request, signingNames, headers, { ...meta, userAgent });
      if (!operation) throw new AwsError('InvalidAction', `Could not find operation ${form.action} for version ${form.version}`);
      const handler = binding.handlers[operation];
      if (!handler) throw new AwsError('NotImplemented', `Coffer does not implement ${binding.endpointPrefix} ${operation} yet.`);
      input = form.params;
      const output = (await handler(caller, input)) as Record<string, string | undefined>;
      record(output);
      return answer(200, resultXml(operation, binding.xmlNamespace, output, requestId), requestId, operation, caller);
    } catch (err) {
      const error = asQueryError(err, requestId);
      record(undefined, error);
      return answer(error.status, errorXml(error, binding.xmlNamespace, requestId), requestId, operation, caller, error.code);
    }
  }

  function asQueryError(err: unknown, requestId: string): AwsError {
    if (err instanceof AwsError) {
      const auth = AUTH_ERRORS[err.code];
      return auth ? new AwsError(auth.code, err.message, auth.status) : err;
    }
    logger.error('request failed', {
      requestId,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return new AwsError('InternalFailure', 'An internal error occurred.', 500, true);
  }

  return { handle };
}

export type QueryProtocol = ReturnType<typeof createQueryProtocol>;
