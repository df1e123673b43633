// Authorization on a KMS key, as AWS evaluates key policies: the key policy gates every access (iam/'s
// `resourceMustAllow`), identity policies count only where it names the account, explicit Denies of
// either kind win. Used for the KMS API (kms-authorization.ts) and for the KMS calls Secrets Manager makes
// on a caller's behalf (through the key service). kms:CallerAccount is set on every check, as AWS does.
//
// Cheap on the hot path: internal calls, and the account root on a key still under the default key policy
// (which allows the root everything), pass without evaluating anything.
import { accessDeniedMessage, type CompiledPolicy, type ContextValue, type Decision } from '../../iam/index.ts';
import { awsErrors } from '../../errors/aws-errors.ts';
import type { RequestAccess } from '../../access/authorizer.ts';
import { createKeyPolicyCache, hasDefaultPolicy, type KeyPolicyRow } from './key-policy.ts';
import { kmsErrors } from './kms-errors.ts';

type Context = Readonly<Record<string, ContextValue>>;
const ALLOWED: Decision = Object.freeze({ allowed: true, reason: 'allowed' });

export function createKeyAccess() {
  const policyOf = createKeyPolicyCache();

  function decideWith(access: RequestAccess, row: KeyPolicyRow, policy: CompiledPolicy, action: string, context?: Context): Decision {
    const caller = access.caller;
    if (!caller) return ALLOWED;
    return access.decide({
      action,
      resource: row.arn,
      resourceAccountId: row.account_id,
      resourcePolicy: policy,
      resourceMustAllow: true,
      context: { 'kms:CallerAccount': caller.accountId, ...context },
    });
  }

  /** The decision on `action` (kms:<Action>) on the key for this request. */
  function decideOnKey(access: RequestAccess, row: KeyPolicyRow, action: string, context?: Context): Decision {
    if (hasDefaultPolicy(row) && access.unrestricted(row.account_id)) return ALLOWED;
    return decideWith(access, row, policyOf(row), action, context);
  }

  /** The AccessDeniedException for a denied decision on the key. */
  function refusalOnKey(access: RequestAccess, row: KeyPolicyRow, action: string, decision: Decision): Error {
    return awsErrors.accessDenied(accessDeniedMessage({ principal: { arn: access.caller!.arn }, action, resource: row.arn }, decision));
  }

  /**
   * AWS's lockout safety check: a new policy must still let the caller (its identity policies included)
   * call PutKeyPolicy on the key, unless the request sets BypassPolicyLockoutSafetyCheck.
   */
  function requireNoLockout(access: RequestAccess | undefined, row: KeyPolicyRow, policy: CompiledPolicy): void {
    if (!access || decideWith(access, row, policy, 'kms:PutKeyPolicy').allowed) return;
    throw kmsErrors.lockout();
  }

  return { decideOnKey, refusalOnKey, requireNoLockout };
}

export type KeyAccess = ReturnType<typeof createKeyAccess>;
