// CreateAccount and ListAccounts, for the operator only. A new account comes with its root access key,
// returned once (like CreateAccessKey): the operator hands it to the account's administrator, who manages
// the account's users with it and may rotate it (CreateAccessKey / DeleteAccessKey without UserName).
import { isUniqueViolation } from '../../store/db.ts';
import { adminErrors } from '../../errors/admin-errors.ts';
import { authorizeOperator, randomDigits, rootArn, type AdminDeps } from './admin-context.ts';
import type { RequestScope } from '../../access/authorizer.ts';
import * as db from '../../store/principal-store.ts';

export function createAccounts(deps: AdminDeps) {
  const { store, now } = deps;

  function accountShape(row: db.AccountRow) {
    return { AccountId: row.account_id, Arn: rootArn(row.account_id), CreateDate: new Date(row.created_at) };
  }

  async function createAccount(scope: RequestScope, input: { AccountId?: string }) {
    authorizeOperator(deps, scope, 'CreateAccount');
    const accountId = input.AccountId ?? randomDigits(12, deps.randomBytes);
    const t = now();
    try {
      return await store.db.transaction().execute(async (tx) => {
        const row = { account_id: accountId, created_at: t };
        await db.insertAccount(tx, row);
        const key = await deps.accessKeys.create({ accountId, arn: rootArn(accountId) }, t, tx);
        return {
          Account: accountShape(row),
          AccessKey: { AccessKeyId: key.accessKeyId, Status: 'Active', SecretAccessKey: key.secretAccessKey, CreateDate: new Date(t) },
        };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw adminErrors.accountExists(accountId);
      throw err;
    }
  }

  async function listAccounts(scope: RequestScope) {
    authorizeOperator(deps, scope, 'ListAccounts');
    return { Accounts: (await db.listAccounts(store.db)).map(accountShape) };
  }

  /** Records an account that exists already (the installation's first account, on every start). */
  async function ensureAccount(accountId: string): Promise<void> {
    if (await db.findAccount(store.db, accountId)) return;
    try {
      await db.insertAccount(store.db, { account_id: accountId, created_at: now() });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }

  return { createAccount, listAccounts, ensureAccount };
}
