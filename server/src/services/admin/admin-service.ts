// The admin service: accounts (operator only), users, inline identity policies and access keys, composed
// from the parts that hold the rules. Methods take the request scope (the caller's account and the caller)
// and the decoded request, and return the response shape of the IAM operation they mirror.
import { createAccessKeyAdmin } from './access-key-admin.ts';
import { createAccounts } from './accounts.ts';
import type { AdminDeps } from './admin-context.ts';
import { createUserPolicies } from './user-policies.ts';
import { createUsers } from './users.ts';

export type { AdminDeps, AccessKeyPort } from './admin-context.ts';
export type AdminService = ReturnType<typeof createAdminService>;

export function createAdminService(deps: AdminDeps) {
  const users = createUsers(deps);
  const { requireUser: _r, arnFor: _a, ...userOperations } = users;
  return {
    ...createAccounts(deps),
    ...userOperations,
    ...createUserPolicies(deps, users),
    ...createAccessKeyAdmin(deps, users),
  };
}
