// AWS KMS refuses a key policy that names a principal that does not exist (MalformedPolicyDocumentException
// "Policy contains a statement with one or more invalid principals."). Here: every account named must be an
// account of this installation, every principal ARN a user that exists under exactly that ARN (path
// included). Coffer has no roles or sessions, so their ARNs name nobody. "*" and service principals pass.
import type { CompiledPolicy } from '../../iam/index.ts';
import type { Executor } from '../../store/db.ts';
import { findAccount, findUser } from '../../store/principal-store.ts';
import { kmsErrors } from './kms-errors.ts';

const USER_ARN = /^arn:[^:]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;

export async function requireKnownPrincipals(db: Executor, policy: CompiledPolicy): Promise<void> {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  for (const stmt of policy.statements) {
    stmt.principal?.accounts.forEach((a) => accounts.add(a));
    stmt.principal?.arns.forEach((a) => arns.add(a));
  }
  for (const account of accounts) if (!(await findAccount(db, account))) throw invalidPrincipals();
  for (const arn of arns) {
    const user = USER_ARN.exec(arn);
    if (!user || (await findUser(db, user[1], user[2]))?.arn !== arn) throw invalidPrincipals();
  }
}

function invalidPrincipals() {
  return kmsErrors.malformedPolicy('Policy contains a statement with one or more invalid principals.');
}
