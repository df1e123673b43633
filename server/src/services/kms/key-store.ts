// SQL for KMS keys and aliases. Every function takes the scope first; both columns are in every lookup.
import type { Executor } from '../../store/db.ts';
import type { KmsKeyTable } from '../../store/schema.ts';

export interface Scope {
  accountId: string;
  region: string;
}

export type KeyRow = KmsKeyTable;

export async function findKeyById(db: Executor, scope: Scope, keyId: string): Promise<KeyRow | undefined> {
  return db
    .selectFrom('kms_keys')
    .selectAll()
    .where('key_id', '=', keyId)
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .executeTakeFirst();
}

export async function findAliasTarget(db: Executor, scope: Scope, aliasName: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('kms_aliases')
    .select('key_id')
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('alias_name', '=', aliasName)
    .executeTakeFirst();
  return row?.key_id;
}

export async function insertKey(db: Executor, row: KeyRow): Promise<void> {
  await db.insertInto('kms_keys').values(row).execute();
}

export async function insertAlias(db: Executor, scope: Scope, aliasName: string, keyId: string, now: number): Promise<void> {
  await db
    .insertInto('kms_aliases')
    .values({ account_id: scope.accountId, region: scope.region, alias_name: aliasName, key_id: keyId, created_at: now })
    .execute();
}

export async function deleteKeysInScope(db: Executor, scope: Scope): Promise<void> {
  await db.deleteFrom('kms_aliases').where('account_id', '=', scope.accountId).where('region', '=', scope.region).execute();
  await db.deleteFrom('kms_keys').where('account_id', '=', scope.accountId).where('region', '=', scope.region).execute();
}
