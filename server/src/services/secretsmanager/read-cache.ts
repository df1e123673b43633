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

  /** The cached entry, or a fresh one from `load` (read after the token, so a concurrent change only causes a reload). */
  async function get(scope: Scope, secretId: string, load: () => Promise<CachedSecret>): Promise<CachedSecret> {
    const token = store.changeToken?.();
    if (token === undefined) return load();
    const key = `${scope.accountId}\u0000${scope.region}\u0000${secretId}`;
    const hit = entries.get(key);
    if (hit && hit.token === token) return hit;
    const fresh = { ...(await load()), token };
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, fresh);
    return fresh;
  }

  return { get };
}
