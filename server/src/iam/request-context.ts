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
// This sits on every authorization, so it allocates little: a key is looked up where the request has it, and
// derived keys are computed only when asked for.
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
  constructor(private readonly request: AuthorizationRequest) {}

  /**
   * A key's value in one layer of the context, found as written or else by its lower-cased name (the last
   * such key wins); undefined when the layer has no such key with a value.
   */
  private static lookup(layer: Readonly<Record<string, ContextValue>> | undefined, lowerKey: string, asWritten?: string): ContextValue {
    if (layer === undefined) return undefined;
    if (asWritten !== undefined && Object.prototype.hasOwnProperty.call(layer, asWritten) && layer[asWritten] !== undefined) return layer[asWritten];
    // A scan with a length check first: cheaper than a lower-cased map for the few keys a request has.
    let match: ContextValue;
    for (const key in layer) {
      if (key.length === lowerKey.length && layer[key] !== undefined && key.toLowerCase() === lowerKey) match = layer[key];
    }
    return match;
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
    // The request's own keys first, then the global ones, then what the principal implies.
    const value = RequestContext.lookup(this.request.context, lowerKey, asWritten) ?? RequestContext.lookup(this.request.globalContext, lowerKey, asWritten);
    if (value !== undefined) return asList(value);
    const d = this.derived(lowerKey);
    return d === undefined ? undefined : [d];
  }

  single(lowerKey: string, asWritten?: string): string | undefined {
    const v = this.values(lowerKey, asWritten);
    return v !== undefined && v.length === 1 ? v[0] : undefined;
  }
}
