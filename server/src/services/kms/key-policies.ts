// GetKeyPolicy, PutKeyPolicy and ListKeyPolicies: one policy per key, named "default" (key-policy.ts). AWS's
// key state table lets all three run in every state, PendingDeletion included (a policy can be mended
// before a deletion is cancelled). The AWS managed key's policy can be read, never replaced.
import type {
  GetKeyPolicyRequest,
  GetKeyPolicyResponse,
  ListKeyPoliciesRequest,
  ListKeyPoliciesResponse,
  PutKeyPolicyRequest,
} from '@aws-sdk/client-kms';
import * as keyStore from './key-store.ts';
import { createKeyMutator, type KmsScope, type KmsServiceDeps } from './kms-context.ts';
import { KEY_POLICY_NAME, keyPolicyText, parseKeyPolicy, requirePolicyName } from './key-policy.ts';
import { requireKnownPrincipals } from './key-policy-principals.ts';
import { kmsErrors } from './kms-errors.ts';

export function createKeyPolicies(deps: KmsServiceDeps) {
  const { store, keys } = deps;
  const mutate = createKeyMutator(deps);

  async function getKeyPolicy(scope: KmsScope, input: GetKeyPolicyRequest): Promise<GetKeyPolicyResponse> {
    const row = await keys.resolve(scope, input.KeyId!, store.db, { aliases: false });
    requirePolicyName(input.PolicyName);
    return { Policy: keyPolicyText(row), PolicyName: KEY_POLICY_NAME };
  }

  async function listKeyPolicies(scope: KmsScope, input: ListKeyPoliciesRequest): Promise<ListKeyPoliciesResponse> {
    await keys.resolve(scope, input.KeyId!, store.db, { aliases: false });
    // One name, never a next page: no Marker was ever handed out.
    if (input.Marker !== undefined) throw kmsErrors.invalidMarker();
    return { PolicyNames: [KEY_POLICY_NAME], Truncated: false };
  }

  async function putKeyPolicy(scope: KmsScope, input: PutKeyPolicyRequest): Promise<Record<string, never>> {
    requirePolicyName(input.PolicyName);
    const policy = parseKeyPolicy(input.Policy!);
    await requireKnownPrincipals(store.db, policy);
    await mutate(scope, input.KeyId!, 'PutKeyPolicy', async (tx, row) => {
      if (input.BypassPolicyLockoutSafetyCheck !== true) keys.requireNoLockout(scope.access, row, policy);
      await keyStore.updateKey(tx, row.key_id, { policy: input.Policy! });
    });
    return {};
  }

  return { getKeyPolicy, listKeyPolicies, putKeyPolicy };
}
