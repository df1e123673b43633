// Inline identity policies: PutUserPolicy (validated and size-checked when written, as IAM does),
// GetUserPolicy, ListUserPolicies, DeleteUserPolicy. Every change drops the user's cached identity, so the
// next request is authorized under the new policies.
import { formatPolicyErrors, iamPolicySize, parsePolicy, POLICY_LIMITS } from '../../iam/index.ts';
import { adminErrors } from '../../errors/admin-errors.ts';
import { authorizeAdmin, decodeMarker, encodeMarker, type AdminDeps } from './admin-context.ts';
import type { RequestScope } from '../../access/authorizer.ts';
import * as db from '../../store/principal-store.ts';
import type { Users } from './users.ts';

export function createUserPolicies(deps: AdminDeps, users: Users) {
  const { store, now } = deps;

  async function putUserPolicy(scope: RequestScope, input: { UserName: string; PolicyName: string; PolicyDocument: string }) {
    await authorizeAdmin(deps, scope, 'PutUserPolicy', await users.arnFor(scope.accountId, input.UserName));
    const parsed = parsePolicy(input.PolicyDocument, { kind: 'identity', name: input.PolicyName });
    if (!parsed.ok) throw adminErrors.malformedPolicy(formatPolicyErrors(parsed.errors));
    await store.db.transaction().execute(async (tx) => {
      const user = await users.requireUser(scope.accountId, input.UserName, store.forUpdate, tx);
      // IAM's quota counts every inline policy of the user together, white space not counted.
      const others = (await db.policiesOf(tx, scope.accountId, input.UserName)).filter((p) => p.policy_name !== input.PolicyName);
      const size = others.reduce((n, p) => n + iamPolicySize(p.document), iamPolicySize(input.PolicyDocument));
      if (size > POLICY_LIMITS.userInlinePoliciesMaxChars) throw adminErrors.policySize(POLICY_LIMITS.userInlinePoliciesMaxChars, user.user_name);
      await db.putPolicy(tx, {
        account_id: scope.accountId,
        name_key: db.nameKey(input.UserName),
        policy_name: input.PolicyName,
        document: input.PolicyDocument,
        updated_at: now(),
      });
    });
    return {};
  }

  async function getUserPolicy(scope: RequestScope, input: { UserName: string; PolicyName: string }) {
    await authorizeAdmin(deps, scope, 'GetUserPolicy', await users.arnFor(scope.accountId, input.UserName));
    const user = await users.requireUser(scope.accountId, input.UserName);
    const policy = (await db.policiesOf(store.db, scope.accountId, input.UserName)).find((p) => p.policy_name === input.PolicyName);
    if (!policy) throw adminErrors.noSuchPolicy(input.PolicyName);
    // IAM's query API URL-encodes the document (the aws CLI decodes it); this JSON API returns it as stored.
    return { UserName: user.user_name, PolicyName: policy.policy_name, PolicyDocument: policy.document };
  }

  async function listUserPolicies(scope: RequestScope, input: { UserName: string; Marker?: string; MaxItems?: number }) {
    await authorizeAdmin(deps, scope, 'ListUserPolicies', await users.arnFor(scope.accountId, input.UserName));
    await users.requireUser(scope.accountId, input.UserName);
    const after = input.Marker !== undefined ? decodeMarker(input.Marker) : undefined;
    const limit = input.MaxItems ?? 100;
    const names = (await db.policiesOf(store.db, scope.accountId, input.UserName))
      .map((p) => p.policy_name)
      .sort()
      .filter((n) => after === undefined || n > after);
    const page = names.slice(0, limit);
    const truncated = names.length > limit;
    return { PolicyNames: page, IsTruncated: truncated, ...(truncated ? { Marker: encodeMarker(page[page.length - 1]) } : {}) };
  }

  async function deleteUserPolicy(scope: RequestScope, input: { UserName: string; PolicyName: string }) {
    await authorizeAdmin(deps, scope, 'DeleteUserPolicy', await users.arnFor(scope.accountId, input.UserName));
    await users.requireUser(scope.accountId, input.UserName);
    if (!(await db.deletePolicy(store.db, scope.accountId, input.UserName, input.PolicyName))) throw adminErrors.noSuchPolicy(input.PolicyName);
    return {};
  }

  return { putUserPolicy, getUserPolicy, listUserPolicies, deleteUserPolicy };
}
