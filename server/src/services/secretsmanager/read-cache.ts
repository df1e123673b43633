// What GetSecretValue needs to find a value (the secret row, its labels, the version rows it read), kept
// between requests while the store's change token stays the same, so the hot path usually runs no query.
// Only ciphertext is held: values are decrypted on every read. Without a change token (PostgreSQL) every
// read goes to the database.
import type { Store } from '../../store/db.ts';
import type { Scope, SecretRow, Tag, VersionRow } from './secret-store.ts';

export interface CachedSecret {
  secret: SecretRow;
  stages: Map<string, string>;
  versions: Map<string, VersionRow>;
  /** read only when a policy looks at the secret's tags */
  tags?: Tag[];
}

const MAX_ENTRIES = 10_000;

export function createReadCache(store: Store) {
  const entries = new Map<string, CachedSecret & { token: string }>();

  const keyOf = (scope: Scope, secretId: string) => `${scope.accountId}\u0000${scope.region}\u0000${secretId}`;

  /** The cached entry while the store's change token stays the same, without awaiting; undefined otherwise. */
  function peek(scope: Scope, secretId: string): CachedSecret | undefined {
    const token = store.changeToken?.();
    if (token === undefined) return undefined;
    const hit = entries.get(keyOf(scope, secretId));
    return hit && hit.token === token ? hit : undefined;
  }

  /** A fresh entry from `load` (read after the token, so a concurrent change only causes a reload), cached. */
  async function load(scope: Scope, secretId: string, loader: () => Promise<CachedSecret>): Promise<CachedSecret> {
    const token = store.changeToken?.();
    if (token === undefined) return loader();
    const fresh = { ...(await loader()), token };
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(keyOf(scope, secretId), fresh);
    return fresh;
  }

  return { peek, load };
}
