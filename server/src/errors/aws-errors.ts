// AWS-shaped errors. Every expected failure is an AwsError: the wire layer turns it into
// `{"__type": code, "Message": message}` with the HTTP status AWS uses for it. Anything that is not an
// AwsError is a bug and is answered as InternalFailure / InternalServiceError without details.

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** true for server-side faults (5xx); the SDKs retry those. */
  readonly fault: boolean;

  constructor(code: string, message: string, status = 400, fault = false) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fault = fault;
  }
}

/** Shorthand for the common client errors, so call sites read as the AWS error they raise. */
export const awsErrors = {
  validation: (message: string) => new AwsError('ValidationException', message),
  serialization: (message: string) => new AwsError('SerializationException', message),
  unknownOperation: (message = '') => new AwsError('UnknownOperationException', message),
  notFound: (message: string) => new AwsError('ResourceNotFoundException', message),
  invalidParameter: (message: string) => new AwsError('InvalidParameterException', message),
  invalidRequest: (message: string) => new AwsError('InvalidRequestException', message),
  resourceExists: (message: string) => new AwsError('ResourceExistsException', message),
  limitExceeded: (message: string) => new AwsError('LimitExceededException', message),
  invalidNextToken: (message: string) => new AwsError('InvalidNextTokenException', message),
  decryptionFailure: (message: string) => new AwsError('DecryptionFailure', message),
  encryptionFailure: (message: string) => new AwsError('EncryptionFailure', message),
  accessDenied: (message: string) => new AwsError('AccessDeniedException', message),
  // 400 like every Secrets Manager error: a 5xx would make the SDKs retry something that can never succeed.
  notImplemented: (message: string) => new AwsError('NotImplementedException', message),
  internal: () => new AwsError('InternalServiceError', 'An internal error occurred. Try again later.', 500, true),
} as const;
