// The admin API on the wire (CofferAdmin.<Operation>, models/coffer-admin.json): each operation mapped to
// its service method with the caller's account and the caller as the scope. No rules here.
import type { Handler } from '../../protocol/pipeline.ts';
import type { AdminService } from './admin-service.ts';
import type { RequestScope } from '../../access/authorizer.ts';

type Method = (scope: RequestScope, input: never) => Promise<unknown>;

export function adminHandlers(service: AdminService, extra: Record<string, Method> = {}): Record<string, Handler> {
  const bind = (method: Method): Handler => (caller, input) =>
    method({ accountId: caller.accountId, region: caller.region, caller }, input as never);
  const methods: Record<string, Method> = {
    CreateAccount: service.createAccount,
    ListAccounts: service.listAccounts,
    CreateUser: service.createUser,
    GetUser: service.getUser,
    DeleteUser: service.deleteUser,
    ListUsers: service.listUsers,
    TagUser: service.tagUser,
    UntagUser: service.untagUser,
    PutUserPolicy: service.putUserPolicy,
    GetUserPolicy: service.getUserPolicy,
    ListUserPolicies: service.listUserPolicies,
    DeleteUserPolicy: service.deleteUserPolicy,
    CreateAccessKey: service.createAccessKey,
    ListAccessKeys: service.listAccessKeys,
    UpdateAccessKey: service.updateAccessKey,
    DeleteAccessKey: service.deleteAccessKey,
    ...extra,
  };
  return Object.fromEntries(Object.entries(methods).map(([name, method]) => [name, bind(method)]));
}
