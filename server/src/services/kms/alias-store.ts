// SQL for KMS aliases: one row per (account, region, alias name), pointing at a key id of that scope.
import type { Executor } from '../../store/db.ts';
import type { KmsAliasTable } from '../../store/schema.ts';
import type { Scope } from './key-store.ts';

export type AliasRow = KmsAliasTable;

export async function findAlias(db: Executor, scope: Scope, aliasName: string): Promise<AliasRow | undefined> {
  return db
    .selectFrom('kms_aliases')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('alias_name', '=', aliasName)
    .executeTakeFirst();
}

export async function findAliasTarget(db: Executor, scope: Scope, aliasName: string): Promise<string | undefined> {
  return (await findAlias(db, scope, aliasName))?.key_id;
}

export async function insertAlias(db: Executor, scope: Scope, aliasName: string, keyId: string, now: number): Promise<void> {
  await db
    .insertInto('kms_aliases')
    .values({ account_id: scope.accountId, region: scope.region, alias_name: aliasName, key_id: keyId, created_at: now, updated_at: now })
    .execute();
}

export async function retargetAlias(db: Executor, scope: Scope, aliasName: string, keyId: string, now: number): Promise<void> {
  await db
    .updateTable('kms_aliases')
    .set({ key_id: keyId, updated_at: now })
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('alias_name', '=', aliasName)
    .execute();
}

export async function deleteAlias(db: Executor, scope: Scope, aliasName: string): Promise<void> {
  await db
    .deleteFrom('kms_aliases')
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('alias_name', '=', aliasName)
    .execute();
}

/** Aliases of a scope in name order (ListAliases), optionally only those of one key. */
export async function listAliases(db: Executor, scope: Scope, keyId: string | undefined, afterName: string | undefined, limit: number) {
  let query = db
    .selectFrom('kms_aliases')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .orderBy('alias_name')
    .limit(limit);
  if (keyId !== undefined) query = query.where('key_id', '=', keyId);
  if (afterName !== undefined) query = query.where('alias_name', '>', afterName);
  return query.execute();
}
