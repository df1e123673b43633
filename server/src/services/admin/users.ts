// CreateUser, GetUser, DeleteUser, ListUsers, TagUser, UntagUser: IAM's rules. A user name is unique in its
// account regardless of case; a user with access keys or inline policies cannot be deleted (IAM:
// DeleteConflictException); tags become aws:PrincipalTag/<key> in policies.
import { isUniqueViolation, type Executor } from '../../store/db.ts';
import { adminErrors } from '../../errors/admin-errors.ts';
import {
  authorizeAdmin,
  decodeMarker,
  encodeMarker,
  MAX_USER_TAGS,
  newUniqueId,
  userArn,
  type AdminDeps,
} from './admin-context.ts';
import type { RequestScope } from '../../access/authorizer.ts';
import { userNameOf } from '../../access/identity-directory.ts';
import * as db from '../../store/principal-store.ts';
import { accessKeysOf } from '../../store/access-key-store.ts';

export interface Tag {
  Key: string;
  Value: string;
}

export interface UserShape {
  Path: string;
  UserName: string;
  UserId: string;
  Arn: string;
  CreateDate: Date;
  Tags?: Tag[];
}

export function userShape(row: db.UserRow, withTags: boolean): UserShape {
  const tags = JSON.parse(row.tags) as Tag[];
  return {
    Path: row.path,
    UserName: row.user_name,
    UserId: row.user_id,
    Arn: row.arn,
    CreateDate: new Date(row.created_at),
    ...(withTags && tags.length > 0 ? { Tags: tags } : {}),
  };
}

function checkTags(tags: Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.Key.toLowerCase().startsWith('aws:')) throw adminErrors.invalidInput(`Tag key ${t.Key} is reserved: keys starting with aws: are for AWS use.`);
    if (seen.has(t.Key)) throw adminErrors.invalidInput(`Duplicate tag key ${t.Key}.`);
    seen.add(t.Key);
  }
  if (tags.length > MAX_USER_TAGS) throw adminErrors.tagQuota(MAX_USER_TAGS);
}

export function createUsers(deps: AdminDeps) {
  const { store, now } = deps;

  /** The user, or NoSuchEntity. */
  async function requireUser(accountId: string, userName: string, forUpdate = false, executor: Executor = store.db) {
    const row = await db.findUser(executor, accountId, userName, forUpdate);
    if (!row) throw adminErrors.noSuchUser(userName);
    return row;
  }

  /** The ARN an operation on `userName` is authorized against: the user's, with its path when it exists. */
  async function arnFor(accountId: string, userName: string): Promise<string> {
    return (await db.findUser(store.db, accountId, userName))?.arn ?? userArn(accountId, '/', userName);
  }

  async function createUser(scope: RequestScope, input: { UserName: string; Path?: string; Tags?: Tag[] }) {
    const path = input.Path ?? '/';
    const arn = userArn(scope.accountId, path, input.UserName);
    await authorizeAdmin(deps, scope, 'CreateUser', arn);
    const tags = (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
    checkTags(tags);
    const row: db.UserRow = {
      account_id: scope.accountId,
      name_key: db.nameKey(input.UserName),
      user_name: input.UserName,
      user_id: newUniqueId('AIDA', deps.randomBytes),
      path,
      arn,
      tags: JSON.stringify(tags),
      created_at: now(),
    };
    try {
      await db.insertUser(store.db, row);
    } catch (err) {
      if (isUniqueViolation(err)) throw adminErrors.userExists(input.UserName);
      throw err;
    }
    return { User: userShape(row, true) };
  }

  async function getUser(scope: RequestScope, input: { UserName?: string }) {
    // Without UserName, IAM answers about the caller (a user asking about itself).
    const userName = input.UserName ?? (scope.caller ? userNameOf(scope.caller.arn) : undefined);
    if (userName === undefined) throw adminErrors.invalidInput('UserName is required when the caller is not a user.');
    await authorizeAdmin(deps, scope, 'GetUser', await arnFor(scope.accountId, userName));
    return { User: userShape(await requireUser(scope.accountId, userName), true) };
  }

  async function deleteUser(scope: RequestScope, input: { UserName: string }) {
    await authorizeAdmin(deps, scope, 'DeleteUser', await arnFor(scope.accountId, input.UserName));
    await store.db.transaction().execute(async (tx) => {
      const user = await requireUser(scope.accountId, input.UserName, store.forUpdate, tx);
      if ((await accessKeysOf(tx, user.arn)).length > 0) throw adminErrors.deleteConflict('access keys');
      if ((await db.policiesOf(tx, scope.accountId, input.UserName)).length > 0) throw adminErrors.deleteConflict('policies');
      await db.deleteUser(tx, scope.accountId, input.UserName);
    });
    return {};
  }

  async function listUsers(scope: RequestScope, input: { PathPrefix?: string; Marker?: string; MaxItems?: number }) {
    await authorizeAdmin(deps, scope, 'ListUsers', '*');
    const limit = input.MaxItems ?? 100;
    const after = input.Marker !== undefined ? decodeMarker(input.Marker) : undefined;
    const rows = await db.listUsers(store.db, scope.accountId, input.PathPrefix ?? '/', after, limit + 1);
    const page = rows.slice(0, limit);
    const truncated = rows.length > limit;
    // IAM's ListUsers leaves tags out (GetUser shows them).
    return { Users: page.map((r) => userShape(r, false)), IsTruncated: truncated, ...(truncated ? { Marker: encodeMarker(page[page.length - 1].name_key) } : {}) };
  }

  async function changeTags(scope: RequestScope, operation: 'TagUser' | 'UntagUser', userName: string, change: (tags: Tag[]) => Tag[]) {
    await authorizeAdmin(deps, scope, operation, await arnFor(scope.accountId, userName));
    await store.db.transaction().execute(async (tx) => {
      const user = await requireUser(scope.accountId, userName, store.forUpdate, tx);
      const tags = change(JSON.parse(user.tags) as Tag[]);
      checkTags(tags);
      await db.updateUserTags(tx, scope.accountId, userName, JSON.stringify(tags));
    });
    return {};
  }

  const tagUser = (scope: RequestScope, input: { UserName: string; Tags: Tag[] }) =>
    changeTags(scope, 'TagUser', input.UserName, (tags) => {
      const merged = new Map(tags.map((t) => [t.Key, t.Value]));
      for (const t of input.Tags) merged.set(t.Key, t.Value ?? '');
      return [...merged].map(([Key, Value]) => ({ Key, Value }));
    });

  const untagUser = (scope: RequestScope, input: { UserName: string; TagKeys: string[] }) =>
    changeTags(scope, 'UntagUser', input.UserName, (tags) => tags.filter((t) => !input.TagKeys.includes(t.Key)));

  return { requireUser, arnFor, createUser, getUser, deleteUser, listUsers, tagUser, untagUser };
}

export type Users = ReturnType<typeof createUsers>;
