// Authorization of the KMS API (TrentService.*): each operation's [action, resource] pairs from iam/'s KMS
// table, every pair required. A key's pairs are decided with its key policy (key-access.ts: the key policy
// must allow, identity policies count where it names the account); an alias's by identity policies alone,
// as AWS does. Keys of other accounts are not reachable through the KMS API. CreateKey (no key yet) and the
// operations without a resource are decided by identity policies.
//
// Resources: the key (KeyId in any form, the key a ciphertext names, the key an alias points to) and the
// alias's ARN. A reference that resolves to nothing is checked against the ARN it names by identity
// policies, so a caller without access gets AccessDenied whether the key exists or not.
// A key's check the policies do not allow may still pass through a grant (allowedByGrant,
// grant-authorization.ts), unless an explicit deny decided it.
import { KMS_OPERATIONS, type KmsOperation } from '../../iam/index.ts';
import type { RequestAccess } from '../../access/authorizer.ts';
import { findAliasTarget } from './alias-store.ts';
import { decodeBlob } from './ciphertext-blob.ts';
import { createGrantAuthorization } from './grant-authorization.ts';
import { decodeGrantToken } from './grant-rules.ts';
import type { KeyRow, KeyService } from './key-service.ts';
import type { Scope } from './key-store.ts';
import type { Executor } from '../../store/db.ts';

type Input = Record<string, unknown>;
/** What one check is about: an existing key (its row), or an ARN that names no key of the caller's. */
type Target = { row: KeyRow } | { arn: string };
/**
 * The operations whose key members take an alias (AWS: the cryptographic operations and DescribeKey). The
 * others take a key id or key ARN only: an alias there names no key, so the operation answers NotFound.
 */
const TAKES_ALIAS = new Set(['Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey']);

export function createKmsAuthorization(keys: KeyService, db: Executor) {
  const grants = createGrantAuthorization(keys, db);
  const aliasArn = (scope: Scope, name: string) => (name.startsWith('arn:') ? name : `arn:aws:kms:${scope.region}:${scope.accountId}:${name}`);

  async function keyTarget(scope: Scope, ref: string, aliases = true): Promise<Target> {
    try {
      return { row: await keys.resolve(scope, ref, db, { aliases }) };
    } catch {
      if (ref.startsWith('arn:')) return { arn: ref };
      return { arn: ref.startsWith('alias/') ? aliasArn(scope, ref) : keys.keyArn(scope, ref) };
    }
  }

  async function blobTarget(scope: Scope, blob: unknown): Promise<Target | undefined> {
    const parts = blob instanceof Uint8Array ? decodeBlob(Buffer.from(blob)) : undefined;
    return parts ? keyTarget(scope, parts.keyId) : undefined;
  }

  /** What a check of `resource` kind is about, or undefined when the request does not name it. */
  async function targetOf(scope: Scope, operation: string, kind: string, input: Input): Promise<Target | undefined> {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const keyNamed = async (v: unknown) => (str(v) ? keyTarget(scope, str(v)!, TAKES_ALIAS.has(operation)) : undefined);
    switch (kind) {
      case 'none':
        return { arn: '*' };
      case 'alias':
        return str(input.AliasName) ? { arn: aliasArn(scope, str(input.AliasName)!) } : undefined;
      case 'target-key':
        return keyNamed(input.TargetKeyId);
      case 'source-key':
        return str(input.SourceKeyId) ? keyNamed(input.SourceKeyId) : blobTarget(scope, input.CiphertextBlob);
      case 'destination-key':
        return keyNamed(input.DestinationKeyId);
      default: {
        // 'key': the alias's current key for the alias operations, the ciphertext's key for Decrypt.
        if (operation === 'CreateAlias') return keyNamed(input.TargetKeyId);
        if (operation === 'UpdateAlias' || operation === 'DeleteAlias') {
          // An AWS managed key's alias: the operation refuses the reserved name itself (NotAuthorizedException).
          if (str(input.AliasName)?.startsWith('alias/aws/')) return undefined;
          const target = str(input.AliasName) ? await findAliasTarget(db, scope, str(input.AliasName)!) : undefined;
          return target ? keyTarget(scope, target) : undefined;
        }
        if (str(input.KeyId)) return keyNamed(input.KeyId);
        // RetireGrant by token: the key the token names.
        const named = operation === 'RetireGrant' && str(input.GrantToken) ? decodeGrantToken(str(input.GrantToken)!) : undefined;
        if (named) return keyTarget(scope, named.keyId);
        return operation === 'Decrypt' ? blobTarget(scope, input.CiphertextBlob) : undefined;
      }
    }
  }

  /** Requires every permission the operation needs. */
  async function authorize(access: RequestAccess, scope: Scope, operation: string, input: Input): Promise<void> {
    const permissions = KMS_OPERATIONS[operation as KmsOperation];
    if (!permissions || !access.caller) return;
    for (const check of permissions.checks) {
      const target = await targetOf(scope, operation, check.resource, input);
      // Nothing named (a missing required member): the operation itself reports it.
      if (target === undefined) continue;
      if ('row' in target) await requireOnKey(access, scope, operation, target.row, check.action, input);
      else if (!access.unrestricted(scope.accountId)) access.require({ action: check.action, resource: target.arn, resourceAccountId: scope.accountId });
    }
  }

  /**
   * A check on a key: its key policy with the identity policies, then the grants hook for what they do not
   * allow, never past an explicit deny (no grant overrides one). See grant-authorization.ts.
   */
  async function requireOnKey(access: RequestAccess, scope: Scope, operation: string, row: KeyRow, action: string, input: Input): Promise<void> {
    const decision = keys.decideOnKey(access, row, action);
    if (decision.allowed) return;
    if (decision.reason !== 'explicit-deny' && (await grants.allowsThroughGrant({ scope, principalArn: access.caller!.arn, action, keyArn: row.arn, operation, input }))) return;
    throw keys.refusalOnKey(access, row, action, decision);
  }

  return { authorize };
}
