// The request context as the condition operators and policy variables see it. Key names are
// case-insensitive ("Condition key names are not case-sensitive", IAM Condition element); callers of
// values() pass the key already lower-cased (compiled conditions and variables store it so).
//
// Keys derived from the principal, unless the request's context sets them (AWS global condition keys):
//   aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType (Account | User | AssumedRole | FederatedUser),
//   aws:username (IAM users only, the last component of the user's path), aws:PrincipalTag/<key>.
// An empty list is the same as an absent key: ForAllValues over it is true, ForAnyValue false, Null "true";
// a context key set to an empty list also hides the derived value.
//
// This sits on every authorization, so it is lazy (a policy without conditions never builds the map) and
// allocates little: one Map of the explicit keys, derived keys computed only when asked for.
import type { AuthorizationRequest, ContextLookup, ContextValue } from './types.ts';

const USER_ARN = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/;
const PRINCIPAL_TAG = 'aws:principaltag/';

export function principalType(arn: string): string | undefined {
  if (/^arn:[^:]+:iam::\d{12}:root$/.test(arn)) return 'Account';
  if (/^arn:[^:]+:iam::\d{12}:user\//.test(arn)) return 'User';
  if (/^arn:[^:]+:sts::\d{12}:assumed-role\//.test(arn)) return 'AssumedRole';
  if (/^arn:[^:]+:sts::\d{12}:federated-user\//.test(arn)) return 'FederatedUser';
  return undefined;
}

function asList(value: ContextValue): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  return value.length > 0 ? value : undefined;
}

export class RequestContext implements ContextLookup {
  private explicit: Map<string, ContextValue> | undefined;

  constructor(private readonly request: AuthorizationRequest) {}

  private buildExplicit(): Map<string, ContextValue> {
    const map = new Map<string, ContextValue>();
    const context = this.request.context;
    if (context) {
      for (const key in context) {
        const value = context[key];
        if (value !== undefined) map.set(key.toLowerCase(), value);
      }
    }
    return map;
  }

  private derived(lowerKey: string): string | undefined {
    const { principal } = this.request;
    switch (lowerKey) {
      case 'aws:principalarn':
        return principal.arn;
      case 'aws:principalaccount':
        return principal.accountId;
      case 'aws:principaltype':
        return principalType(principal.arn);
      case 'aws:username':
        return USER_ARN.exec(principal.arn)?.[1];
    }
    if (lowerKey.startsWith(PRINCIPAL_TAG) && principal.tags) {
      const wanted = lowerKey.slice(PRINCIPAL_TAG.length);
      for (const tag in principal.tags) if (tag.toLowerCase() === wanted) return principal.tags[tag];
    }
    return undefined;
  }

  values(lowerKey: string, asWritten?: string): readonly string[] | undefined {
    // Fast path: the request spells the key as the policy does (the usual case) — no map needed.
    const context = this.request.context;
    if (asWritten !== undefined && context !== undefined && Object.prototype.hasOwnProperty.call(context, asWritten)) {
      const value = context[asWritten];
      if (value !== undefined) return asList(value);
    }
    this.explicit ??= this.buildExplicit();
    if (this.explicit.has(lowerKey)) return asList(this.explicit.get(lowerKey));
    const d = this.derived(lowerKey);
    return d === undefined ? undefined : [d];
  }

  single(lowerKey: string, asWritten?: string): string | undefined {
    const v = this.values(lowerKey, asWritten);
    return v !== undefined && v.length === 1 ? v[0] : undefined;
  }
}
