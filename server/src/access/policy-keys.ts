// What a set of compiled policies reads from a request, so that the server loads only what matters: the
// resource's tags are a query on PostgreSQL, and most policies never look at them.
import type { CompiledPolicy } from '../iam/index.ts';

const TAG_KEY = /^(aws|secretsmanager):resourcetag\//;

/** Does any statement read aws:ResourceTag/* or secretsmanager:ResourceTag/* (as a condition key or a policy variable)? */
export function usesResourceTags(policies: readonly (CompiledPolicy | undefined)[]): boolean {
  for (const policy of policies) {
    if (!policy) continue;
    for (const s of policy.statements) {
      if (s.conditions.some((c) => TAG_KEY.test(c.lowerKey) || c.values.some(mentionsTagVariable))) return true;
      if (s.resources.some(mentionsTagVariable)) return true;
    }
  }
  return false;
}

function mentionsTagVariable(text: string): boolean {
  return text.includes('${') && /\$\{\s*(aws|secretsmanager):resourcetag\//i.test(text);
}

/**
 * Could any Allow statement of these policies grant `action` on some resource under some condition? Used
 * where an action is checked per resource and "no statement even mentions it" must still be AccessDenied
 * (ListSecrets: a caller allowed on no secret at all, rather than an empty list).
 */
export function mentionsAction(policies: readonly CompiledPolicy[], action: string): boolean {
  const lower = action.toLowerCase();
  return policies.some((p) => p.allows.some((s) => s.actionMatchers.some((m) => m(lower)) !== s.notAction));
}
