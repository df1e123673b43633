// The errors AWS JSON services (the "coral" front end of Secrets Manager, KMS, DynamoDB) answer for
// authentication failures, with their texts. Sources: captured responses quoted in dynalite and in
// aws-sdk issues, and scratchstack-aws-signature, which reproduces AWS's auth error ordering.
import { AwsError } from '../../errors/aws-errors.ts';

export const MISSING_TOKEN = 'MissingAuthenticationTokenException';
export const INCOMPLETE = 'IncompleteSignatureException';
export const INVALID_SIGNATURE = 'InvalidSignatureException';
export const UNRECOGNIZED_CLIENT = 'UnrecognizedClientException';

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export const sigv4Errors = {
  // Secrets Manager and KMS say "Missing Authentication Token" (DynamoDB: "Request is missing ...").
  missingToken: () => new AwsError(MISSING_TOKEN, 'Missing Authentication Token'),
  incomplete: (message: string) => new AwsError(INCOMPLETE, message),
  invalidSignature: (message: string) => new AwsError(INVALID_SIGNATURE, message),
  signatureMismatch: () => new AwsError(INVALID_SIGNATURE, SIGNATURE_MISMATCH_MESSAGE),
  unrecognizedClient: () =>
    new AwsError(UNRECOGNIZED_CLIENT, 'The security token included in the request is invalid.'),
  // AWS's text for an unsigned Host, with the header's name (the form scratchstack uses for other headers).
  unsignedHeader: (name: string) => new AwsError(INVALID_SIGNATURE, `'${name}' must be a 'SignedHeader' in the AWS Authorization.`),
  // Not an AWS text (AWS's is unknown): a repeated single-valued header is ambiguous, so it is refused.
  repeatedHeader: (name: string, count: number) =>
    new AwsError(INCOMPLETE, `The request carries ${count} '${name}' headers; send exactly one.`),
} as const;

/** AWS echoes the Authorization header in some messages; we keep that, minus the signature value. */
export function redactAuthorization(header: string): string {
  // Also swallows a value detached by whitespace ("Signature= abc..."), which AWS would read as its own token.
  return header.replace(/(Signature=)\s*[^,\s]*/g, '$1<redacted>');
}
