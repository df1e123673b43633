// STS: who the caller is, and whose an access key is. Neither needs a permission: GetCallerIdentity tells the
// caller what its signature proves (AWS allows it even under an explicit Deny), and AWS answers GetAccessKeyInfo
// to any caller (an access key id is not a secret).
import type { IdentityDirectory } from '../../access/identity-directory.ts';
import { AwsError, awsErrors } from '../../errors/aws-errors.ts';
import { findAccessKey } from '../../store/access-key-store.ts';
import type { Store } from '../../store/db.ts';

export interface CallerIdentity {
  Account: string;
  Arn: string;
  /** IAM's unique id of the user (AIDA...); the account id for the root, as AWS answers */
  UserId: string;
}

export interface StsCaller {
  accountId: string;
  arn: string;
  view?: Parameters<IdentityDirectory['identityOf']>[2];
}

export function createStsService(directory: IdentityDirectory, store: Store) {
  async function callerIdentity(caller: StsCaller): Promise<CallerIdentity> {
    const identity = await directory.identityOf(caller.accountId, caller.arn, caller.view);
    if (identity.kind === 'root') return { Account: caller.accountId, Arn: caller.arn, UserId: caller.accountId };
    // A user deleted between the read of its access key and this one (its keys go with it) is no one any more:
    // its credential is refused as any deleted key is.
    if (identity.userId === undefined) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return { Account: caller.accountId, Arn: caller.arn, UserId: identity.userId };
  }

  /**
   * The account owning an access key, Active or Inactive. AWS reads the account out of the key id itself; Coffer's
   * key ids carry no account, so an id no account holds (never made, or deleted) is refused, as AWS may refuse a
   * deleted key ("an error that the key doesn't exist"): ValidationError in the Query protocol.
   */
  async function accessKeyInfo(accessKeyId: string): Promise<{ Account: string }> {
    const key = await findAccessKey(store.db, accessKeyId);
    if (!key) throw awsErrors.validation(`The access key ID ${accessKeyId} does not exist.`);
    return { Account: key.account_id };
  }

  return { callerIdentity, accessKeyInfo };
}

export type StsService = ReturnType<typeof createStsService>;
