// Who a caller is, for authorization: the principal's kind, its inline identity policies compiled, and its
// tags (aws:PrincipalTag/*). A user's compiled identity is kept in the read cache (a compile costs a few
// hundred µs, an evaluation a few µs) under the store's change token, so a change to the user's policies or
// tags made through any server applies to the next request.
import { parsePolicy, formatPolicyErrors, type CompiledPolicy } from '../iam/index.ts';
import type { Store } from '../store/db.ts';
import type { ReadCache, ReadView } from '../store/read-cache.ts';
import { policiesOf, findUser } from '../store/principal-store.ts';
import { usesResourceTags } from './policy-keys.ts';

const USER_ARN = /^arn:[^:]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;
const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;

export interface Identity {
  readonly kind: 'root' | 'user';
  readonly userName?: string;
  /** IAM's unique id of the user (AIDA...); undefined for the root */
  readonly userId?: string;
  readonly policies: readonly CompiledPolicy[];
  readonly tags: Readonly<Record<string, string>>;
  /** Some policy reads aws:ResourceTag/* or secretsmanager:ResourceTag/*: the resource's tags must be loaded. */
  readonly usesResourceTags: boolean;
}

export const ROOT_IDENTITY: Identity = Object.freeze({ kind: 'root', policies: [], tags: {}, usesResourceTags: false });

export function isRootArn(arn: string): boolean {
  return ROOT_ARN.test(arn);
}

/** The user name in a user ARN (the last path component), or undefined for other principals. */
export function userNameOf(arn: string): string | undefined {
  return USER_ARN.exec(arn)?.[2];
}

export function createIdentityDirectory(store: Store, cache: ReadCache) {
  async function load(accountId: string, userName: string): Promise<Identity> {
    const user = await findUser(store.db, accountId, userName);
    if (!user) return { kind: 'user', userName, policies: [], tags: {}, usesResourceTags: false };
    const rows = await policiesOf(store.db, accountId, userName);
    const policies = rows.map((r) => compile(r.policy_name, r.document));
    const tags: Record<string, string> = {};
    for (const t of JSON.parse(user.tags) as Array<{ Key: string; Value: string }>) tags[t.Key] = t.Value;
    return { kind: 'user', userName: user.user_name, userId: user.user_id, policies, tags, usesResourceTags: usesResourceTags(policies) };
  }

  /**
   * The identity behind a principal ARN of `accountId`: the root, or a user with its policies and tags,
   * through the request's view of the read cache (a view of its own when the caller has none).
   */
  async function identityOf(accountId: string, arn: string, view?: ReadView): Promise<Identity> {
    const userName = userNameOf(arn);
    if (userName === undefined) return ROOT_IDENTITY;
    return (view ?? (await cache.view())).row(['identity', accountId, arn], () => load(accountId, userName));
  }

  return { identityOf };
}

function compile(name: string, document: string): CompiledPolicy {
  const result = parsePolicy(document, { kind: 'identity', name });
  // Documents are validated when they are put; one that no longer compiles fails closed, loudly.
  if (!result.ok) throw new Error(`stored policy ${name} does not compile: ${formatPolicyErrors(result.errors)}`);
  return result.policy;
}

export type IdentityDirectory = ReturnType<typeof createIdentityDirectory>;
