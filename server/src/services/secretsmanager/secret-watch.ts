// Who may hear of a change to a secret (the change feed, changes/): a caller allowed GetSecretValue or
// DescribeSecret on it, decided as those calls decide (identity policies, the secret's resource policy, its
// tags). A secret that no longer exists (deleted without recovery) is decided on its ARN by the identity
// policies alone, as a call naming a missing secret is.
import { AwsError } from '../../errors/aws-errors.ts';
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import type { SecretAccess } from './secret-access.ts';
import type { SecretServiceDeps } from './secret-context.ts';
import { parseSecretId, SUFFIX_LENGTH } from './arn.ts';
import { lookupSecret } from './secret-lookup.ts';

const WATCH_OPERATIONS = ['GetSecretValue', 'DescribeSecret'] as const;

export function createSecretWatch(deps: SecretServiceDeps, access: SecretAccess) {
  /** True when the check passes; false on AccessDenied (any other error is a fault and is thrown). */
  async function passes(check: () => void | Promise<void>): Promise<boolean> {
    try {
      await check();
      return true;
    } catch (err) {
      if (err instanceof AwsError && !err.fault) return false;
      throw err;
    }
  }

  /** The secret's name when the caller may watch it, else undefined. */
  async function watchedName(authz: RequestAccess, scope: RequestScope, arn: string): Promise<string | undefined> {
    const parsed = parseSecretId(arn);
    if (parsed.kind !== 'arn') return undefined;
    const secret = await lookupSecret(deps.store.db, scope, arn);
    for (const operation of WATCH_OPERATIONS) {
      const check = secret
        ? () => access.requireOnSecret(authz, deps.store.db, secret, operation)
        : () => access.requireOnMissing(authz, scope, arn, operation);
      if (await passes(check)) return secret?.name ?? parsed.nameWithSuffix.slice(0, -(SUFFIX_LENGTH + 1));
    }
    return undefined;
  }

  /** Of these secret ARNs (of the scope's account and region), those the caller may hear changes of, with their names. */
  async function watchableSecrets(scope: RequestScope, arns: Iterable<string>): Promise<Map<string, string>> {
    const authz = await deps.authorizer.forRequest(scope);
    const allowed = new Map<string, string>();
    for (const arn of new Set(arns)) {
      const name = await watchedName(authz, scope, arn);
      if (name !== undefined) allowed.set(arn, name);
    }
    return allowed;
  }

  return { watchableSecrets };
}
