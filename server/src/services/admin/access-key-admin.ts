// CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey, shaped like IAM's. Without UserName
// they act on the caller's own keys (the account root rotating its credential, or a user its own, when its
// policies allow). At most two keys per principal. A key set Inactive or deleted stops authenticating at its
// next request, on every server.
import { adminErrors } from '../../errors/admin-errors.ts';
import { authorizeAdmin, MAX_ACCESS_KEYS, rootArn, type AdminDeps } from './admin-context.ts';
import type { RequestScope } from '../../access/authorizer.ts';
import { isRootArn, userNameOf } from '../../access/identity-directory.ts';
import * as db from '../../store/access-key-store.ts';
import type { Users } from './users.ts';

interface Owner {
  arn: string;
  /** undefined for the account root */
  userName?: string;
}

export function createAccessKeyAdmin(deps: AdminDeps, users: Users) {
  const { store, now } = deps;

  /** Whose keys an operation is about: the named user, else the caller itself. */
  async function ownerOf(scope: RequestScope, userName: string | undefined): Promise<Owner> {
    if (userName !== undefined) return { arn: await users.arnFor(scope.accountId, userName), userName };
    const caller = scope.caller;
    if (!caller || isRootArn(caller.arn)) return { arn: rootArn(scope.accountId) };
    return { arn: caller.arn, userName: userNameOf(caller.arn) };
  }

  function metadata(owner: Owner, key: db.AccessKeyMeta) {
    return {
      ...(owner.userName !== undefined ? { UserName: owner.userName } : {}),
      AccessKeyId: key.access_key_id,
      Status: key.status,
      CreateDate: new Date(key.created_at),
    };
  }

  async function createAccessKey(scope: RequestScope, input: { UserName?: string }) {
    const owner = await ownerOf(scope, input.UserName);
    await authorizeAdmin(deps, scope, 'CreateAccessKey', owner.arn);
    const t = now();
    const created = await store.db.transaction().execute(async (tx) => {
      // The owner's row is locked (PostgreSQL) so two concurrent requests cannot both pass the quota.
      if (owner.userName !== undefined) {
        const user = await users.requireUser(scope.accountId, owner.userName, store.forUpdate, tx);
        owner.userName = user.user_name;
      } else if (store.forUpdate) {
        await tx.selectFrom('accounts').select('account_id').where('account_id', '=', scope.accountId).forUpdate().execute();
      }
      if ((await db.accessKeysOf(tx, owner.arn)).length >= MAX_ACCESS_KEYS) throw adminErrors.keyQuota(MAX_ACCESS_KEYS);
      return deps.accessKeys.create({ accountId: scope.accountId, arn: owner.arn }, t, tx);
    });
    return {
      AccessKey: {
        ...(owner.userName !== undefined ? { UserName: owner.userName } : {}),
        AccessKeyId: created.accessKeyId,
        Status: 'Active',
        SecretAccessKey: created.secretAccessKey,
        CreateDate: new Date(t),
      },
    };
  }

  async function listAccessKeys(scope: RequestScope, input: { UserName?: string; MaxItems?: number }) {
    const owner = await ownerOf(scope, input.UserName);
    await authorizeAdmin(deps, scope, 'ListAccessKeys', owner.arn);
    if (owner.userName !== undefined) owner.userName = (await users.requireUser(scope.accountId, owner.userName)).user_name;
    const keys = await db.accessKeysOf(store.db, owner.arn);
    // At most two keys: one page always holds them all.
    return { AccessKeyMetadata: keys.slice(0, input.MaxItems ?? 100).map((k) => metadata(owner, k)), IsTruncated: false };
  }

  /** The key, if it belongs to the owner (another principal's key is "not found", as in IAM). */
  async function ownedKey(scope: RequestScope, owner: Owner, accessKeyId: string): Promise<db.AccessKeyMeta> {
    if (owner.userName !== undefined) await users.requireUser(scope.accountId, owner.userName);
    const key = (await db.accessKeysOf(store.db, owner.arn)).find((k) => k.access_key_id === accessKeyId);
    if (!key) throw adminErrors.noSuchAccessKey(accessKeyId);
    return key;
  }

  async function updateAccessKey(scope: RequestScope, input: { UserName?: string; AccessKeyId: string; Status: 'Active' | 'Inactive' }) {
    const owner = await ownerOf(scope, input.UserName);
    await authorizeAdmin(deps, scope, 'UpdateAccessKey', owner.arn);
    await ownedKey(scope, owner, input.AccessKeyId);
    await db.setAccessKeyStatus(store.db, input.AccessKeyId, input.Status);
    deps.accessKeys.forget(input.AccessKeyId);
    return {};
  }

  async function deleteAccessKey(scope: RequestScope, input: { UserName?: string; AccessKeyId: string }) {
    const owner = await ownerOf(scope, input.UserName);
    await authorizeAdmin(deps, scope, 'DeleteAccessKey', owner.arn);
    await ownedKey(scope, owner, input.AccessKeyId);
    await db.deleteAccessKey(store.db, input.AccessKeyId);
    deps.accessKeys.forget(input.AccessKeyId);
    return {};
  }

  return { createAccessKey, listAccessKeys, updateAccessKey, deleteAccessKey };
}
