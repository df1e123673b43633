// SQL for accounts, IAM users and their inline policies (access keys: store/access-key-store.ts). No rules:
// the admin service decides what to write and access/ reads who a caller is; this file reads and writes rows.
// Every user lookup carries the account.
import { sql } from 'kysely';
import type { Executor } from './db.ts';
import type { AccountTable, IamUserPolicyTable, IamUserTable } from './schema.ts';

export type UserRow = IamUserTable;
export type AccountRow = AccountTable;

export const nameKey = (userName: string): string => userName.toLowerCase();

export async function findAccount(db: Executor, accountId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

export async function insertAccount(db: Executor, row: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function listAccounts(db: Executor): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().orderBy('account_id').execute();
}

export async function findUser(db: Executor, accountId: string, userName: string, forUpdate = false): Promise<UserRow | undefined> {
  let q = db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).where('name_key', '=', nameKey(userName));
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function insertUser(db: Executor, row: UserRow): Promise<void> {
  await db.insertInto('iam_users').values(row).execute();
}

export async function updateUserTags(db: Executor, accountId: string, userName: string, tags: string): Promise<void> {
  await db.updateTable('iam_users').set({ tags }).where('account_id', '=', accountId).where('name_key', '=', nameKey(userName)).execute();
}

export async function deleteUser(db: Executor, accountId: string, userName: string): Promise<void> {
  await db.deleteFrom('iam_users').where('account_id', '=', accountId).where('name_key', '=', nameKey(userName)).execute();
}

/** Users of an account in name order, after `afterKey` (a name_key), at most `limit`. */
export async function listUsers(db: Executor, accountId: string, pathPrefix: string, afterKey: string | undefined, limit: number): Promise<UserRow[]> {
  let q = db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId);
  // substr rather than LIKE: a path may hold % and _, and the two dialects escape LIKE differently.
  if (pathPrefix !== '/') q = q.where(sql<boolean>`substr(path, 1, ${pathPrefix.length}) = ${pathPrefix}`);
  if (afterKey !== undefined) q = q.where('name_key', '>', afterKey);
  return q.orderBy('name_key').limit(limit).execute();
}

export async function policiesOf(db: Executor, accountId: string, userName: string): Promise<Array<Pick<IamUserPolicyTable, 'policy_name' | 'document'>>> {
  return db
    .selectFrom('iam_user_policies')
    .select(['policy_name', 'document'])
    .where('account_id', '=', accountId)
    .where('name_key', '=', nameKey(userName))
    .orderBy('policy_name')
    .execute();
}

export async function putPolicy(db: Executor, row: IamUserPolicyTable): Promise<void> {
  await db
    .insertInto('iam_user_policies')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'name_key', 'policy_name']).doUpdateSet({ document: row.document, updated_at: row.updated_at }))
    .execute();
}

export async function deletePolicy(db: Executor, accountId: string, userName: string, policyName: string): Promise<boolean> {
  const result = await db
    .deleteFrom('iam_user_policies')
    .where('account_id', '=', accountId)
    .where('name_key', '=', nameKey(userName))
    .where('policy_name', '=', policyName)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
