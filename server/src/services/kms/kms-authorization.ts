// Authorization of the KMS API (TrentService.*): each operation's [action, resource] pairs from iam/'s KMS
// table, every pair required. Coffer has no key policies yet: every key behaves as if it had AWS's default
// key policy, which lets the account's identity policies decide (so the account root may do anything, and a
// user what its policies allow). Keys of other accounts are not reachable through the KMS API.
//
// Resources: the key's ARN (KeyId in any form, the key a ciphertext names, the key an alias points to) and
// the alias's ARN. A reference that resolves to nothing is checked against the ARN it names, so a caller
// without access gets AccessDenied whether the key exists or not. A check the policies do not allow may still
// pass through a grant (allowedByGrant, grant-authorization.ts).
import { KMS_OPERATIONS, type KmsOperation } from '../../iam/index.ts';
import type { AccessCheck, RequestAccess } from '../../access/authorizer.ts';
import { findAliasTarget } from './alias-store.ts';
import { decodeBlob } from './ciphertext-blob.ts';
import { createGrantAuthorization } from './grant-authorization.ts';
import { decodeGrantToken } from './grant-rules.ts';
import type { KeyService } from './key-service.ts';
import type { Scope } from './key-store.ts';
import type { Executor } from '../../store/db.ts';

type Input = Record<string, unknown>;

export function createKmsAuthorization(keys: KeyService, db: Executor) {
  const grants = createGrantAuthorization(keys, db);
  const aliasArn = (scope: Scope, name: string) => (name.startsWith('arn:') ? name : `arn:aws:kms:${scope.region}:${scope.accountId}:${name}`);

  async function keyArnOf(scope: Scope, ref: string): Promise<string> {
    try {
      return (await keys.resolve(scope, ref)).arn;
    } catch {
      if (ref.startsWith('arn:')) return ref;
      return ref.startsWith('alias/') ? aliasArn(scope, ref) : keys.keyArn(scope, ref);
    }
  }

  async function blobKeyArn(scope: Scope, blob: unknown): Promise<string | undefined> {
    const parts = blob instanceof Uint8Array ? decodeBlob(Buffer.from(blob)) : undefined;
    return parts ? keys.keyArn(scope, parts.keyId) : undefined;
  }

  /** The ARN a check of `resource` kind is about, or undefined when the request does not name one. */
  async function resourceOf(scope: Scope, operation: string, kind: string, input: Input): Promise<string | undefined> {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    switch (kind) {
      case 'none':
        return '*';
      case 'alias':
        return str(input.AliasName) && aliasArn(scope, str(input.AliasName)!);
      case 'target-key':
        return str(input.TargetKeyId) && keyArnOf(scope, str(input.TargetKeyId)!);
      case 'source-key':
        return str(input.SourceKeyId) ? keyArnOf(scope, str(input.SourceKeyId)!) : blobKeyArn(scope, input.CiphertextBlob);
      case 'destination-key':
        return str(input.DestinationKeyId) && keyArnOf(scope, str(input.DestinationKeyId)!);
      default: {
        // 'key': the alias's current key for the alias operations, the ciphertext's key for Decrypt.
        if (operation === 'CreateAlias') return str(input.TargetKeyId) && keyArnOf(scope, str(input.TargetKeyId)!);
        if (operation === 'UpdateAlias' || operation === 'DeleteAlias') {
          const target = str(input.AliasName) ? await findAliasTarget(db, scope, str(input.AliasName)!) : undefined;
          return target ? keys.keyArn(scope, target) : undefined;
        }
        if (str(input.KeyId)) return keyArnOf(scope, str(input.KeyId)!);
        // RetireGrant by token: the key the token names.
        const named = operation === 'RetireGrant' && str(input.GrantToken) ? decodeGrantToken(str(input.GrantToken)!) : undefined;
        if (named) return keys.keyArn(scope, named.keyId);
        return operation === 'Decrypt' ? blobKeyArn(scope, input.CiphertextBlob) : undefined;
      }
    }
  }

  /** Requires every permission the operation needs; the root in its own account passes without a lookup. */
  async function authorize(access: RequestAccess, scope: Scope, operation: string, input: Input): Promise<void> {
    if (access.unrestricted(scope.accountId)) return;
    const permissions = KMS_OPERATIONS[operation as KmsOperation];
    if (!permissions) return;
    for (const check of permissions.checks) {
      const resource = await resourceOf(scope, operation, check.resource, input);
      // Nothing named (a missing required member): the operation itself reports it.
      if (resource === undefined) continue;
      const request = { action: check.action, resource, resourceAccountId: scope.accountId };
      if (await allowedByGrant(access, scope, operation, request, input)) continue;
      access.require(request);
    }
  }

  /**
   * The grants hook: only for a call the policies do not allow, and never past an explicit deny (no grant
   * overrides one). See grant-authorization.ts.
   */
  async function allowedByGrant(access: RequestAccess, scope: Scope, operation: string, request: AccessCheck, input: Input): Promise<boolean> {
    const decision = access.decide(request);
    if (decision.allowed) return true;
    if (decision.reason === 'explicit-deny' || !access.caller) return false;
    return grants.allowsThroughGrant({ scope, principalArn: access.caller.arn, action: request.action, keyArn: request.resource, operation, input });
  }

  return { authorize };
}
