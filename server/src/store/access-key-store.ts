// SQL for access keys: rows in, rows out, no rules. The secret is stored sealed by the root key; sealing and
// opening belong to the caller (auth/access-keys.ts), so this file never sees a secret in the clear.
import type { Executor } from './db.ts';
import type { AccessKeyTable } from './schema.ts';

export type AccessKeyRow = AccessKeyTable;
/** A key without its sealed secret: what listings and the admin API need. */
export type AccessKeyMeta = Omit<AccessKeyTable, 'secret_sealed'>;

export async function findAccessKey(db: Executor, accessKeyId: string): Promise<AccessKeyRow | undefined> {
  return db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
}

export async function insertAccessKey(db: Executor, row: AccessKeyRow): Promise<void> {
  await db.insertInto('access_keys').values(row).execute();
}

/** A principal's keys, oldest first. */
export async function accessKeysOf(db: Executor, principalArn: string): Promise<AccessKeyMeta[]> {
  return db
    .selectFrom('access_keys')
    .select(['access_key_id', 'account_id', 'principal_arn', 'status', 'created_at'])
    .where('principal_arn', '=', principalArn)
    .orderBy('created_at')
    .orderBy('access_key_id')
    .execute();
}

export async function setAccessKeyStatus(db: Executor, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
  await db.updateTable('access_keys').set({ status }).where('access_key_id', '=', accessKeyId).execute();
}

export async function deleteAccessKey(db: Executor, accessKeyId: string): Promise<void> {
  await db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).execute();
}

/** Every key's sealed secret (root-key rotation re-wraps them all). */
export async function listSealedSecrets(db: Executor): Promise<Array<Pick<AccessKeyRow, 'access_key_id' | 'secret_sealed'>>> {
  return db.selectFrom('access_keys').select(['access_key_id', 'secret_sealed']).execute();
}

export async function updateSealedSecret(db: Executor, accessKeyId: string, sealed: Buffer): Promise<void> {
  await db.updateTable('access_keys').set({ secret_sealed: sealed }).where('access_key_id', '=', accessKeyId).execute();
}
