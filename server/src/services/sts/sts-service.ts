// STS: who the caller is. GetCallerIdentity needs no permission (AWS allows it even under an explicit Deny).
import type { IdentityDirectory } from '../../access/identity-directory.ts';
import { AwsError } from '../../errors/aws-errors.ts';

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

export function createStsService(directory: IdentityDirectory) {
  async function callerIdentity(caller: StsCaller): Promise<CallerIdentity> {
    const identity = await directory.identityOf(caller.accountId, caller.arn, caller.view);
    if (identity.kind === 'root') return { Account: caller.accountId, Arn: caller.arn, UserId: caller.accountId };
    // A user deleted between the read of its access key and this one (its keys go with it) is no one any more:
    // its credential is refused as any deleted key is.
    if (identity.userId === undefined) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return { Account: caller.accountId, Arn: caller.arn, UserId: identity.userId };
  }

  return { callerIdentity };
}

export type StsService = ReturnType<typeof createStsService>;
