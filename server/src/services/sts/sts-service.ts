// STS: who the caller is. GetCallerIdentity needs no permission (AWS allows it even under an explicit Deny).
import type { IdentityDirectory } from '../../access/identity-directory.ts';

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
    // A user deleted since its key was read has no id any more: the root's answer (the account) is never given
    // for it, only the ARN it signed as.
    const userId = identity.kind === 'root' ? caller.accountId : (identity.userId ?? caller.accountId);
    return { Account: caller.accountId, Arn: caller.arn, UserId: userId };
  }

  return { callerIdentity };
}

export type StsService = ReturnType<typeof createStsService>;
