// Access keys: the id is public, the secret is sealed by the root key in the database and kept opened in
// memory once used (SigV4 needs the secret itself to recompute the signature).
import { randomBytes } from 'node:crypto';
import { UnknownRootKeyError, type RootKey } from '../crypto/root-key.ts';
import { AwsError } from '../errors/aws-errors.ts';
import type { Executor, Store } from '../store/db.ts';

export interface Principal {
  accountId: string;
  arn: string;
  accessKeyId: string;
}

export interface AccessKeyRecord extends Principal {
  secretAccessKey: string;
  active: boolean;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newAccessKeyId(): string {
  return 'AKIA' + [...randomBytes(16)].map((b) => ID_ALPHABET[b % 32]).join('');
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/**
 * How long a cached key is trusted without a change token (PostgreSQL): a key deactivated or deleted through
 * another server stops working there within this time; through this server it stops at once (forget()).
 */
const KEY_TTL_MS = 1000;

interface CacheEntry {
  record: AccessKeyRecord | null;
  sealed?: Buffer;
  token: string | undefined;
  until: number;
}

function isTrusted(entry: CacheEntry, token: string | undefined, now: number): boolean {
  return token !== undefined ? entry.token === token : entry.until > now;
}

export function createAccessKeyStore(store: Store, rootKey: RootKey) {
  const cache = new Map<string, CacheEntry>();
  // Counts forget() calls: a lookup that began before a change committed must not cache what it read.
  let forgets = 0;

  async function find(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    // On SQLite the store's change token moves with every commit, by any process (another worker may have
    // deactivated the key); on PostgreSQL an entry is trusted for KEY_TTL_MS.
    const token = store.changeToken?.();
    const t = Date.now();
    const cached = cache.get(accessKeyId);
    if (cached && isTrusted(cached, token, t)) return cached.record ?? undefined;
    const generation = forgets;
    const row = await store.db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
    let record: AccessKeyRecord | null = null;
    if (row) {
      // The secret never changes for a key id (only its sealing does, under a new root key): reuse what was
      // opened. That also keeps this server authenticating its callers when another server rotated the root
      // key and this one does not hold the new key yet.
      const secretAccessKey = cached?.record && cached.sealed?.equals(row.secret_sealed)
        ? cached.record.secretAccessKey
        : openSecret(accessKeyId, row.secret_sealed, cached?.record?.secretAccessKey);
      record = { accessKeyId, accountId: row.account_id, arn: row.principal_arn, secretAccessKey, active: row.status === 'Active' };
    }
    // Unknown ids are remembered too, bounded, so a flood of bad ids does not become a flood of queries.
    if (generation === forgets && (record || cache.size < 10_000)) {
      cache.set(accessKeyId, { record, sealed: row?.secret_sealed, token, until: t + KEY_TTL_MS });
    }
    return record ?? undefined;
  }

  /**
   * What find() would answer from memory, synchronously (authentication runs on every request, and most of
   * them find their key here): the record, null for a remembered unknown id, undefined when only find() knows.
   */
  function findCached(accessKeyId: string): AccessKeyRecord | null | undefined {
    const cached = cache.get(accessKeyId);
    return cached && isTrusted(cached, store.changeToken?.(), Date.now()) ? cached.record : undefined;
  }

  function openSecret(accessKeyId: string, sealed: Buffer, known: string | undefined): string {
    try {
      return rootKey.open(sealed, `access-key:${accessKeyId}`).toString('utf8');
    } catch (err) {
      if (!(err instanceof UnknownRootKeyError)) throw err;
      if (known !== undefined) return known;
      throw new AwsError(
        'InternalFailure',
        `The secret of access key ${accessKeyId} is sealed with root key ${err.rootKeyId}, which this server does not hold: the root key was rotated and this server's key file lacks the new key.`,
        500,
        true,
      );
    }
  }

  /** Drops what this process remembers of a key: a deactivated or deleted key stops working at once. */
  function forget(accessKeyId: string): void {
    forgets += 1;
    cache.delete(accessKeyId);
  }

  function clear(): void {
    forgets += 1;
    cache.clear();
  }

  /** A new Active key for the principal; in the caller's transaction when `db` is one. */
  async function create(principal: Omit<Principal, 'accessKeyId'>, now: number, db: Executor = store.db): Promise<AccessKeyRecord> {
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    await db
      .insertInto('access_keys')
      .values({
        access_key_id: accessKeyId,
        account_id: principal.accountId,
        principal_arn: principal.arn,
        secret_sealed: rootKey.seal(Buffer.from(secretAccessKey, 'utf8'), `access-key:${accessKeyId}`),
        status: 'Active',
        created_at: now,
      })
      .execute();
    forget(accessKeyId);
    return { ...principal, accessKeyId, secretAccessKey, active: true };
  }

  async function countForPrincipal(arn: string): Promise<number> {
    const row = await store.db
      .selectFrom('access_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('principal_arn', '=', arn)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Root-key rotation: every secret access key opened with `from`, sealed with `to`, in the caller's transaction. */
  async function rewrapSecrets(tx: Executor, from: RootKey, to: RootKey): Promise<number> {
    const rows = await tx.selectFrom('access_keys').select(['access_key_id', 'secret_sealed']).execute();
    for (const row of rows) {
      const aad = `access-key:${row.access_key_id}`;
      const secret = from.open(row.secret_sealed, aad);
      await tx.updateTable('access_keys').set({ secret_sealed: to.seal(secret, aad) }).where('access_key_id', '=', row.access_key_id).execute();
      secret.fill(0);
    }
    clear();
    return rows.length;
  }

  return { find, findCached, create, forget, clear, countForPrincipal, rewrapSecrets };
}

export type AccessKeyStore = ReturnType<typeof createAccessKeyStore>;
