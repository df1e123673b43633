// evaluate(): the AWS policy evaluation logic for a principal's identity policies plus a resource policy,
// synchronous and pure (IAM "Policy evaluation logic" and "Cross-account policy evaluation logic"):
//
// 1. Deny by default.
// 2. An explicit Deny in any applicable policy wins over every Allow.
// 3. Same account (caller's account = resource's account): an Allow in an identity policy OR in the
//    resource policy grants. A resource-policy Allow that names the caller's account (rather than the
//    caller) only delegates to the account's identity policies, so it does not grant on its own.
// 4. Cross account: the caller's identity policies AND the resource policy must both allow; here a
//    resource policy naming the caller's account is enough for the resource side.
// 5. The account root (arn:aws:iam::<id>:root) is not limited by identity policies (AWS: the root user has
//    full access to its account's resources); resource-policy Denies still apply to it, and cross-account
//    it still needs the resource policy's Allow.
// 6. With `resourceMustAllow` (KMS key policies, "Key policies in AWS KMS"): same account too, nothing is
//    allowed unless the resource policy allows. An Allow naming the caller grants on its own; one naming
//    the caller's account delegates to its identity policies (which must then allow); the root, not limited
//    by identity policies, needs only the account to be named. Cross account is as in 4.
// SCPs, permission boundaries and session policies do not exist in Coffer.
import { RequestContext } from './request-context.ts';
import { callerOf, principalMatch, statementApplies } from './statement-match.ts';
import type { AuthorizationPolicies, AuthorizationRequest, CompiledPolicy, CompiledStatement, Decision, StatementRef } from './types.ts';

// Only the fields that have a value: audit records and test comparisons stay free of `undefined`s.
function ref(policy: CompiledPolicy, policyIndex: number, stmt: CompiledStatement): StatementRef {
  const out: { -readonly [K in keyof StatementRef]: StatementRef[K] } = { policy: policy.kind, policyIndex, index: stmt.index };
  if (policy.name !== undefined) out.policyName = policy.name;
  if (policy.arn !== undefined) out.policyArn = policy.arn;
  if (stmt.sid !== undefined) out.sid = stmt.sid;
  return out;
}

export function evaluate(request: AuthorizationRequest, policies: AuthorizationPolicies): Decision {
  const lowerAction = request.action.toLowerCase();
  const resource = request.resource;
  const ctx = new RequestContext(request);
  const caller = callerOf(request.principal);
  const identity = policies.identity;
  const resourcePolicy = policies.resource;
  // A policy of the wrong kind would be silently ignored (identity statements name no principal, so a
  // resource policy's Deny compiled as identity could never match): refuse it loudly instead.
  if (resourcePolicy && resourcePolicy.kind !== 'resource') throw new Error('evaluate(): policies.resource was compiled as an identity policy');
  for (const p of identity) if (p.kind !== 'identity') throw new Error('evaluate(): policies.identity holds a resource policy');

  // 1. Explicit denies, identity policies first (any order gives the same answer; this fixes which one
  //    the message names).
  for (let p = 0; p < identity.length; p++) {
    for (const s of identity[p].denies) {
      if (statementApplies(s, lowerAction, resource, ctx)) {
        return { allowed: false, reason: 'explicit-deny', decidingStatement: ref(identity[p], p, s) };
      }
    }
  }
  if (resourcePolicy) {
    for (const s of resourcePolicy.denies) {
      if (principalMatch(s, caller) !== 'none' && statementApplies(s, lowerAction, resource, ctx)) {
        return { allowed: false, reason: 'explicit-deny', decidingStatement: ref(resourcePolicy, 0, s) };
      }
    }
  }

  // 2. Allows.
  let identityAllow: StatementRef | undefined;
  for (let p = 0; p < identity.length && !identityAllow; p++) {
    for (const s of identity[p].allows) {
      if (statementApplies(s, lowerAction, resource, ctx)) {
        identityAllow = ref(identity[p], p, s);
        break;
      }
    }
  }
  const sameAccount = caller.accountId === request.resourceAccountId;
  const gated = policies.resourceMustAllow === true;
  if (sameAccount && identityAllow && !gated) {
    return { allowed: true, reason: 'allowed', decidingStatement: identityAllow, allowedBy: { identity: identityAllow } };
  }
  let resourceDirect: StatementRef | undefined;
  let resourceViaAccount: StatementRef | undefined;
  if (resourcePolicy) {
    for (const s of resourcePolicy.allows) {
      const match = principalMatch(s, caller);
      if (match === 'none' || (match === 'account' && resourceViaAccount)) continue;
      if (!statementApplies(s, lowerAction, resource, ctx)) continue;
      if (match === 'direct') {
        resourceDirect = ref(resourcePolicy, 0, s);
        break;
      }
      resourceViaAccount = ref(resourcePolicy, 0, s);
    }
  }

  const isRoot = caller.kind === 'root';
  if (sameAccount && gated) return gatedDecision(resourceDirect, resourceViaAccount, identityAllow);
  if (sameAccount) {
    if (resourceDirect) return { allowed: true, reason: 'allowed', decidingStatement: resourceDirect, allowedBy: { resource: resourceDirect } };
    if (isRoot) return { allowed: true, reason: 'allowed' };
    return { allowed: false, reason: 'implicit-deny', missing: 'identity' };
  }

  const resourceSide = resourceDirect ?? resourceViaAccount;
  if (!identityAllow && !isRoot) return { allowed: false, reason: 'implicit-deny', missing: 'identity' };
  if (!resourceSide) return { allowed: false, reason: 'implicit-deny', missing: 'resource' };
  return {
    allowed: true,
    reason: 'allowed',
    decidingStatement: resourceSide,
    allowedBy: identityAllow ? { identity: identityAllow, resource: resourceSide } : { resource: resourceSide },
  };
}

/** Same account, the resource policy gating (rule 6). */
// The root's own account counts as naming it directly (principalMatch), so it passes on `direct`.
function gatedDecision(direct: StatementRef | undefined, viaAccount: StatementRef | undefined, identityAllow: StatementRef | undefined): Decision {
  if (direct) return { allowed: true, reason: 'allowed', decidingStatement: direct, allowedBy: { resource: direct } };
  if (!viaAccount) return { allowed: false, reason: 'implicit-deny', missing: 'resource' };
  if (!identityAllow) return { allowed: false, reason: 'implicit-deny', missing: 'identity' };
  return { allowed: true, reason: 'allowed', decidingStatement: viaAccount, allowedBy: { identity: identityAllow, resource: viaAccount } };
}
