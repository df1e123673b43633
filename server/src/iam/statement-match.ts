// Does one statement apply to one request? Action, Resource, Principal and Condition, each as AWS reads it:
// - Action / Resource: the request matches any listed pattern; NotAction / NotResource invert that.
// - Principal (resource policies): see principalMatch() for what naming an account means.
// - NotPrincipal: the statement applies unless every identity of the caller is listed. A user's identities
//   are its own ARN and its account, so exempting user Bob from a Deny takes both Bob's ARN and his
//   account (IAM "NotPrincipal": "specify the account ARN of the not-denied principal"). The account root
//   is exempted by its account alone.
import { allConditionsHold } from './condition-eval.ts';
import type { CompiledStatement, ContextLookup, PrincipalSpec } from './types.ts';

export interface Caller {
  readonly arn: string;
  readonly accountId: string;
  /** root: the account itself (arn:aws:iam::<id>:root); service: a service principal name. */
  readonly kind: 'root' | 'principal' | 'service';
}

/**
 * - direct: the statement names this caller (its ARN, "*", or — for the account root — its account).
 * - account: the statement names the caller's account. In a resource policy that delegates to the
 *   account: the account's identity policies decide which of its users get the access (IAM "Specifying a
 *   principal": an account principal "delegates authority to the account"). It satisfies the resource side
 *   of a cross-account request but never grants on its own; a Deny naming an account covers all of it.
 */
export type PrincipalMatch = 'direct' | 'account' | 'none';

const ROOT_ARN = /^arn:[^:]+:iam::\d{12}:root$/;

export function callerOf(principal: { arn: string; accountId: string }): Caller {
  const arn = principal.arn;
  // endsWith first: the regex runs only for the (rare) root caller.
  const kind = arn.endsWith(':root') && ROOT_ARN.test(arn) ? 'root' : arn.startsWith('arn:') ? 'principal' : 'service';
  return { arn, accountId: principal.accountId, kind };
}

function listed(spec: PrincipalSpec, caller: Caller): boolean {
  if (spec.any) return true;
  if (caller.kind === 'service') return spec.services.has(caller.arn);
  if (caller.kind === 'root') return spec.accounts.has(caller.accountId);
  return spec.arns.has(caller.arn) && spec.accounts.has(caller.accountId);
}

export function principalMatch(stmt: CompiledStatement, caller: Caller): PrincipalMatch {
  const spec = stmt.principal;
  if (!spec) return 'none';
  if (stmt.notPrincipal) return listed(spec, caller) ? 'none' : 'direct';
  if (spec.any) return 'direct';
  if (caller.kind === 'service') return spec.services.has(caller.arn) ? 'direct' : 'none';
  if (spec.arns.has(caller.arn)) return 'direct';
  if (spec.accounts.has(caller.accountId)) return caller.kind === 'root' ? 'direct' : 'account';
  return 'none';
}

export function actionMatches(stmt: CompiledStatement, lowerAction: string): boolean {
  let any = false;
  for (const m of stmt.actionMatchers) {
    if (m(lowerAction)) {
      any = true;
      break;
    }
  }
  return any !== stmt.notAction;
}

export function resourceMatches(stmt: CompiledStatement, resource: string, ctx: ContextLookup): boolean {
  let any = false;
  for (const p of stmt.resourceMatchers) {
    if (p.test(resource, ctx)) {
      any = true;
      break;
    }
  }
  return any !== stmt.notResource;
}

/** Action, Resource and Condition (the Principal is the caller's business: it differs per policy kind). */
export function statementApplies(stmt: CompiledStatement, lowerAction: string, resource: string, ctx: ContextLookup): boolean {
  return actionMatches(stmt, lowerAction) && resourceMatches(stmt, resource, ctx) && allConditionsHold(stmt.conditions, ctx);
}
