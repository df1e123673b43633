// One AWS Query protocol call (STS's: a form-encoded POST / with Action and Version, answered in XML), in the
// pipeline's order: parse the form > authenticate (SigV4, scoped to the service's signing name) > decode and
// validate (the service's model) > invoke > encode > audit. Failures are answered as the Query protocol's
// <ErrorResponse>; anything that is not an AwsError is a bug, logged with the request id and answered as
// InternalFailure.
import type { Authenticator, Caller, RequestMeta } from '../../auth/authenticate.ts';
import type { HeaderReader, SignedRequest } from '../../auth/sigv4/index.ts';
import { AwsError, awsErrors } from '../../errors/aws-errors.ts';
import type { OperationModel } from '../model/index.ts';
import type { AuditSink, Logger, PipelineResponse, ServiceBinding } from '../pipeline.ts';
import { parseQueryForm } from './form.ts';
import { asQueryError } from './query-errors.ts';
import { errorXml, resultXml } from './xml.ts';

const CONTENT_TYPE = 'text/xml';

/**
 * `binding`: the service's JSON binding (STS's model, which names its operations and validates their parameters,
 * and its handlers), so one service answers in both protocols; its model must carry `query` (the XML namespace).
 */
export function createQueryProtocol(binding: ServiceBinding, authenticator: Authenticator, logger: Logger, audit?: AuditSink) {
  const { model } = binding;
  if (!model.query) throw new Error(`service model ${model.endpointPrefix} has no Query protocol (awsQueryCompatible, xmlNamespace)`);
  const { xmlNamespace } = model.query;
  const signingNames = [model.signingName];

  function answer(status: number, body: string, requestId: string, operation?: string, caller?: Caller, errorType?: string): PipelineResponse {
    return {
      status,
      headers: ['content-type', CONTENT_TYPE, 'x-amzn-requestid', requestId],
      body,
      service: model.endpointPrefix,
      operation,
      errorType,
      principal: caller?.arn,
    };
  }

  async function handle(request: SignedRequest, requestId: string, meta: RequestMeta, headers: HeaderReader): Promise<PipelineResponse> {
    const userAgent = headers.first('user-agent');
    let operation: OperationModel | undefined;
    let caller: Caller | undefined;
    let input: Record<string, unknown> | undefined;
    const record = (output?: Record<string, unknown>, error?: AwsError): void => {
      const op = operation;
      if (!audit || !op) return;
      try {
        // Every operation Coffer implements here reads and changes nothing: the audit sink writes it in the background.
        void audit.record({
          requestId,
          service: model.endpointPrefix,
          operation: op.name,
          caller,
          sourceIp: meta.sourceIp,
          userAgent,
          // Redacted by the model, which keeps only its members (a client's stray pair never reaches the trail).
          request: input ? op.redactInput(input) : undefined,
          response: output ? () => op.redactOutput(output) : undefined,
          error: error ? { code: error.code, message: error.message } : undefined,
        });
      } catch (err) {
        logger.error('audit record failed', { requestId, operation: op.name, error: String(err) });
      }
    };
    try {
      const form = parseQueryForm(request.body, model.apiVersion);
      // Only a name the service has is reported (and audited) as the operation, never the client's text.
      operation = model.operations.get(form.action);
      caller = await authenticator.authenticate(request, signingNames, headers, { ...meta, userAgent });
      if (!operation) throw new AwsError('InvalidAction', `Could not find operation ${form.action} for version ${form.version}`);
      const handler = binding.handlers[operation.name];
      if (!handler) throw awsErrors.notImplemented(`Coffer does not implement ${model.endpointPrefix} ${operation.name} yet.`);
      // The form's values are all strings: the implemented operations take only string members, which the
      // model checks (lengths, patterns, required) as it does a JSON body.
      input = operation.decodeInput(form.params);
      const output = (await handler(caller, input)) as Record<string, string | undefined>;
      record(output);
      return answer(200, resultXml(operation.name, xmlNamespace, output, requestId), requestId, operation.name, caller);
    } catch (err) {
      const error = queryError(err, requestId);
      record(undefined, error);
      return answer(error.status, errorXml(error, xmlNamespace, requestId), requestId, operation?.name, caller, error.code);
    }
  }

  function queryError(err: unknown, requestId: string): AwsError {
    if (err instanceof AwsError) return asQueryError(err);
    logger.error('request failed', {
      requestId,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return asQueryError(binding.internalError());
  }

  return { handle };
}

export type QueryProtocol = ReturnType<typeof createQueryProtocol>;
