// Access keys: the id is public, the secret is sealed by the root key in the database and kept opened in
// memory once used (SigV4 needs the secret itself to recompute the signature).
import { randomBytes } from 'node:crypto';
import type { RootKey } from '../crypto/root-key.ts';
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

export function createAccessKeyStore(store: Store, rootKey: RootKey) {
  const cache = new Map<string, AccessKeyRecord | null>();

  async function find(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const cached = cache.get(accessKeyId);
    if (cached !== undefined) return cached ?? undefined;
    const row = await store.db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
    const record = row
      ? {
          accessKeyId,
          accountId: row.account_id,
          arn: row.principal_arn,
          secretAccessKey: rootKey.open(row.secret_sealed, `access-key:${accessKeyId}`).toString('utf8'),
          active: row.status === 'Active',
        }
      : null;
    // Unknown ids are remembered too, bounded, so a flood of bad ids does not become a flood of queries.
    if (record || cache.size < 10_000) cache.set(accessKeyId, record);
    return record ?? undefined;
  }

  async function create(principal: Omit<Principal, 'accessKeyId'>, now: number): Promise<AccessKeyRecord> {
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    await store.db
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
    cache.delete(accessKeyId);
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
    return rows.length;
  }

  return { find, create, countForPrincipal, rewrapSecrets };
}

export type AccessKeyStore = ReturnType<typeof createAccessKeyStore>;
