// AWS's AccessDenied message for a denied Decision (IAM "Troubleshoot access denied error messages"):
//   User: <principal> is not authorized to perform: <action> on resource: <resource> because no
//     identity-based policy allows the <action> action
//   ... because no resource-based policy allows the <action> action
//   ... with an explicit deny in an identity-based policy[: <managed policy ARN>]
//   ... with an explicit deny in a resource-based policy
// No trailing period, as AWS. AWS appends the denying policy's ARN only for identity-based policies that
// have one (managed policies); inline policies have none, so their message ends at "policy". When several
// policy types deny, AWS names one; evaluate() decides which (see Decision.missing).
import type { Decision } from './types.ts';

export interface DeniedRequest {
  readonly principal: { readonly arn: string };
  readonly action: string;
  /** What to show after "on resource:": AWS shows the secret's ARN, or the SecretId as given when unresolved. */
  readonly resource: string;
}

export function accessDeniedMessage(request: DeniedRequest, decision: Decision): string {
  if (decision.allowed) throw new Error('accessDeniedMessage() called for an allowed decision');
  const head = `User: ${request.principal.arn} is not authorized to perform: ${request.action} on resource: ${request.resource}`;
  if (decision.reason === 'explicit-deny') {
    const stmt = decision.decidingStatement;
    if (stmt?.policy === 'resource') return `${head} with an explicit deny in a resource-based policy`;
    return `${head} with an explicit deny in an identity-based policy${stmt?.policyArn ? `: ${stmt.policyArn}` : ''}`;
  }
  const kind = decision.missing === 'resource' ? 'resource-based' : 'identity-based';
  return `${head} because no ${kind} policy allows the ${request.action} action`;
}
