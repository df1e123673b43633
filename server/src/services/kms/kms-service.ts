// The KMS service: one object whose methods are the KMS operations Coffer implements, composed from the
// parts that hold the rules (lifecycle, aliases, cryptography, rotation, key policies, grants, authorization). Methods take the caller's scope
// and the decoded AWS request and return the AWS response shape.
import { createKeyAliases } from './key-aliases.ts';
import { createKeyCrypto } from './key-crypto.ts';
import { createKeyGrants } from './key-grants.ts';
import { createKeyLifecycle } from './key-lifecycle.ts';
import { createKeyPolicies } from './key-policies.ts';
import { createKeyRotation } from './key-rotation.ts';
import type { KmsServiceDeps } from './kms-context.ts';
import { createKmsAuthorization } from './kms-authorization.ts';

export type { KmsScope, KmsServiceDeps } from './kms-context.ts';
export type KmsService = ReturnType<typeof createKmsService>;

export function createKmsService(deps: KmsServiceDeps) {
  return {
    ...createKeyLifecycle(deps),
    ...createKeyAliases(deps),
    ...createKeyCrypto(deps),
    ...createKeyRotation(deps),
    ...createKeyPolicies(deps),
    ...createKeyGrants(deps),
    ...createKmsAuthorization(deps.keys, deps.store.db),
  };
}
