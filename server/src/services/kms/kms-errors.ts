// The KMS API's errors, with the texts AWS KMS answers with where they are known (see README.md for
// which ones are confirmed). All are HTTP 400 client errors.
import { AwsError } from '../../errors/aws-errors.ts';
import { KeyUnavailableError } from './key-errors.ts';

const e = (code: string, message: string) => new AwsError(code, message);

export const kmsErrors = {
  validation: (message: string) => e('ValidationException', message),
  notFound: (message: string) => e('NotFoundException', message),
  invalidState: (message: string) => e('KMSInvalidStateException', message),
  disabled: (message: string) => e('DisabledException', message),
  alreadyExists: (message: string) => e('AlreadyExistsException', message),
  unsupported: (message: string) => e('UnsupportedOperationException', message),
  tag: (message: string) => e('TagException', message),
  limitExceeded: (message: string) => e('LimitExceededException', message),
  invalidKeyUsage: (message: string) => e('InvalidKeyUsageException', message),
  invalidGrantId: (grantId: string) => e('InvalidGrantIdException', `Invalid grant ID ${grantId}: a grant ID is 64 hexadecimal characters.`),
  invalidGrantToken: () => e('InvalidGrantTokenException', 'The grant token is not valid: pass a GrantToken that CreateGrant returned, unchanged.'),
  invalidMarker: () => e('InvalidMarkerException', 'The Marker is not valid: pass the NextMarker of the previous response unchanged.'),
  invalidCiphertext: (message: string) => e('InvalidCiphertextException', message),
  incorrectKey: () => e('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.'),
  /** moto and other emulators, following AWS: the reserved alias/aws/ prefix is refused this way. */
  notAuthorized: (message: string) => e('NotAuthorizedException', message),
  malformedPolicy: (message: string) => e('MalformedPolicyDocumentException', message),
  /** AWS's text when a new key policy would lock the caller out of PutKeyPolicy (the lockout safety check). */
  lockout: () => e('MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.'),
  dryRun: () => e('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.'),
  /**
   * What AWS answers when a key policy does not allow an action: the AWS managed key's policy allows its
   * account only kms:Describe*, kms:Get* and kms:List*; everything else it does through Secrets Manager.
   */
  accessDenied: (principalArn: string, action: string, keyArn: string) =>
    e(
      'AccessDeniedException',
      `User: ${principalArn} is not authorized to perform: kms:${action} on resource: ${keyArn} because no resource-based policy allows the kms:${action} action`,
    ),
};

/** A KeyUnavailableError as the KMS error type AWS answers with; other errors pass through. */
export function asKmsError(err: unknown): unknown {
  if (err instanceof KeyUnavailableError) {
    // Corrupt key material is a fault on our side (HTTP 500), not the caller's.
    return err.reason === 'material-corrupt' || err.reason === 'root-key-missing' ? new AwsError(err.kmsCode, err.message, 500, true) : new AwsError(err.kmsCode, err.message);
  }
  return err;
}
