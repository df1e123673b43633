// The Query protocol's names for the errors the JSON pipeline raises. STS answers in both protocols: its Query
// answers carry these codes and statuses, its JSON answers carry them in x-amzn-query-error (awsQueryCompatible),
// which the SDKs read as the error's name, so a caller sees the same error whichever protocol it speaks.
import { AwsError } from '../../errors/aws-errors.ts';

const QUERY_ERRORS: Record<string, { code: string; status: number }> = {
  // Authentication: STS answers 403 SignatureDoesNotMatch where Secrets Manager answers 400 InvalidSignatureException.
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', status: 403 },
  UnrecognizedClientException: { code: 'InvalidClientTokenId', status: 403 },
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', status: 403 },
  IncompleteSignatureException: { code: 'IncompleteSignature', status: 400 },
  // Decoding and validation against the model.
  ValidationException: { code: 'ValidationError', status: 400 },
  SerializationException: { code: 'MalformedInput', status: 400 },
  UnknownOperationException: { code: 'InvalidAction', status: 400 },
  NotImplementedException: { code: 'NotImplemented', status: 400 },
};

/** The error as the Query protocol names it (the model's own error codes and unlisted ones unchanged). */
export function asQueryError(err: AwsError): AwsError {
  const query = QUERY_ERRORS[err.code];
  return query ? new AwsError(query.code, err.message, query.status, err.fault) : err;
}

/** The x-amzn-query-error header's value: `<Query code>;<Sender|Receiver>`. */
export function queryErrorHeader(err: AwsError): string {
  return `${err.code};${err.fault ? 'Receiver' : 'Sender'}`;
}
