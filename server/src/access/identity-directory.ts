// Who a caller is, for authorization: the principal's kind, its inline identity policies compiled once,
// and its tags (aws:PrincipalTag/*). Compiled policies are cached by document (a compile costs a few hundred
// µs, an evaluation a few µs); a principal's entry is dropped at once when this server changes its policies
// or tags (forget), and is re-read when the store's change token moves (SQLite: any process wrote) or, on
// PostgreSQL, after IDENTITY_TTL_MS, so a change made through another server applies within that time.
import { parsePolicy, formatPolicyErrors, type CompiledPolicy } from '../iam/index.ts';
import type { Store } from '../store/db.ts';
import { policiesOf, findUser } from '../store/principal-store.ts';
import { usesResourceTags } from './policy-keys.ts';

const IDENTITY_TTL_MS = 1000;
const USER_ARN = /^arn:[^:]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;
const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;

export interface Identity {
  readonly kind: 'root' | 'user';
  readonly userName?: string;
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

export function createIdentityDirectory(store: Store) {
  const cache = new Map<string, { identity: Identity; token: string | undefined; until: number }>();
  const compiled = new Map<string, CompiledPolicy>();
  let forgets = 0;

  function compile(name: string, document: string): CompiledPolicy {
    const key = `${name}\u0000${document}`;
    let policy = compiled.get(key);
    if (!policy) {
      const result = parsePolicy(document, { kind: 'identity', name });
      // Documents are validated when they are put; one that no longer compiles fails closed, loudly.
      if (!result.ok) throw new Error(`stored policy ${name} does not compile: ${formatPolicyErrors(result.errors)}`);
      policy = result.policy;
      if (compiled.size >= 10_000) compiled.clear();
      compiled.set(key, policy);
    }
    return policy;
  }

  async function load(accountId: string, userName: string): Promise<Identity> {
    const user = await findUser(store.db, accountId, userName);
    if (!user) return { kind: 'user', userName, policies: [], tags: {}, usesResourceTags: false };
    const rows = await policiesOf(store.db, accountId, userName);
    const policies = rows.map((r) => compile(r.policy_name, r.document));
    const tags: Record<string, string> = {};
    for (const t of JSON.parse(user.tags) as Array<{ Key: string; Value: string }>) tags[t.Key] = t.Value;
    return { kind: 'user', userName: user.user_name, policies, tags, usesResourceTags: usesResourceTags(policies) };
  }

  /** The identity behind a principal ARN of `accountId`: the root, or a user with its policies and tags. */
  async function identityOf(accountId: string, arn: string): Promise<Identity> {
    const userName = userNameOf(arn);
    if (userName === undefined) return ROOT_IDENTITY;
    const hit = peekIdentity(arn);
    if (hit) return hit;
    const token = store.changeToken?.();
    const t = Date.now();
    const generation = forgets;
    const identity = await load(accountId, userName);
    if (generation === forgets) {
      if (cache.size >= 10_000) cache.clear();
      cache.set(arn, { identity, token, until: t + IDENTITY_TTL_MS });
    }
    return identity;
  }

  /** A user's identity from the cache while it is current, without awaiting (the hot path); undefined on a miss. */
  function peekIdentity(arn: string): Identity | undefined {
    const hit = cache.get(arn);
    if (!hit) return undefined;
    const token = store.changeToken?.();
    return (token !== undefined ? hit.token === token : hit.until > Date.now()) ? hit.identity : undefined;
  }

  function forget(arn: string): void {
    forgets += 1;
    cache.delete(arn);
  }

  function clear(): void {
    forgets += 1;
    cache.clear();
  }

  return { identityOf, peekIdentity, forget, clear };
}

export type IdentityDirectory = ReturnType<typeof createIdentityDirectory>;
