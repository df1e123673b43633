// Authorization of the KMS API (TrentService.*): each operation's [action, resource] pairs from iam/'s KMS
// table, every pair required. Coffer has no key policies yet: every key behaves as if it had AWS's default
// key policy, which lets the account's identity policies decide (so the account root may do anything, and a
// user what its policies allow). Keys of other accounts are not reachable through the KMS API.
//
// Resources: the key's ARN (KeyId in any form, the key a ciphertext names, the key an alias points to) and
// the alias's ARN. A reference that resolves to nothing is checked against the ARN it names, so a caller
// without access gets AccessDenied whether the key exists or not.
import { KMS_OPERATIONS, type KmsOperation } from '../../iam/index.ts';
import type { RequestAccess } from '../../access/authorizer.ts';
import { findAliasTarget } from './alias-store.ts';
import { decodeBlob } from './ciphertext-blob.ts';
import type { KeyService } from './key-service.ts';
import type { Scope } from './key-store.ts';
import type { Executor } from '../../store/db.ts';

type Input = Record<string, unknown>;

export function createKmsAuthorization(keys: KeyService, db: Executor) {
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
      access.require({ action: check.action, resource, resourceAccountId: scope.accountId });
    }
  }

  return { authorize };
}
