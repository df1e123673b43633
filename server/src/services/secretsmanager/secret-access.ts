// Authorization of Secrets Manager operations: the IAM action of each operation (iam/'s action table), the
// secret's resource policy (compiled once per policy text and cached), the condition keys of the request
// (secretsmanager:SecretId, the secret's tags as aws:ResourceTag/* when a policy reads them, and what each
// operation adds), and the KMS permission on a customer managed key.
//
// KMS: the KMS permission on the key of a value is decided by the key service with the key's policy, as
// AWS evaluates it for the KMS calls Secrets Manager makes on the caller's behalf (kms:ViaService and
// kms:CallerAccount set): a customer managed key under its default policy lets the account's identity
// policies decide; the aws/secretsmanager key's policy lets every principal of its account use it through
// Secrets Manager and no other account; a key policy that denies the caller makes the value unreadable.
// KMS grants are honoured after the policies, never past an explicit deny (kmsRefusal).
import {
  parsePolicy,
  SECRETS_MANAGER_OPERATIONS,
  tagContext,
  type CompiledPolicy,
  type ContextValue,
  type KmsAction,
  type SecretsManagerOperation,
} from '../../iam/index.ts';
import type { KeyRow, KeyService } from '../kms/key-service.ts';
import type { Executor } from '../../store/db.ts';
import type { AccessCheck, RequestAccess } from '../../access/authorizer.ts';
import { usesResourceTags } from '../../access/policy-keys.ts';
import { unresolvedSecretArn } from './arn.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow, Tag } from './secret-store.ts';

type Context = Record<string, ContextValue>;
interface ResourcePolicy {
  policy: CompiledPolicy;
  usesTags: boolean;
}

export function createSecretAccess(keys: KeyService) {
  const compiled = new Map<string, { text: string; value: ResourcePolicy }>();

  /** The secret's resource policy, compiled (cached by secret id while its text stays the same). */
  function resourcePolicyOf(secret: SecretRow): ResourcePolicy | undefined {
    const text = secret.resource_policy;
    if (text === null) return undefined;
    const hit = compiled.get(secret.id);
    if (hit && hit.text === text) return hit.value;
    const result = parsePolicy(text, { kind: 'resource' });
    // Policies are validated when they are put; one that no longer compiles fails closed, loudly.
    if (!result.ok) throw new Error(`the resource policy of secret ${secret.id} does not compile`);
    const value = { policy: result.policy, usesTags: usesResourceTags([result.policy]) };
    if (compiled.size >= 10_000) compiled.clear();
    compiled.set(secret.id, { text, value });
    return value;
  }

  const actionOf = (operation: SecretsManagerOperation) => SECRETS_MANAGER_OPERATIONS[operation].action;

  /** Does a policy that decides on the secret read its tags? (The caller has found it restricted.) */
  function tagsNeeded(access: RequestAccess, rp: ResourcePolicy | undefined): boolean {
    return access.identity.usesResourceTags || rp?.usesTags === true;
  }

  /** Decision on a found secret with its tags already known (ListSecrets filters with this). */
  function allowsOnSecret(access: RequestAccess, secret: SecretRow, operation: SecretsManagerOperation, tags: Tag[], context?: Context): boolean {
    const rp = resourcePolicyOf(secret);
    if (access.unrestricted(secret.account_id, rp?.policy)) return true;
    return access.allows(secretCheck(secret, operation, rp, context, tags));
  }

  /**
   * Requires `operation` on a found secret; the secret's tags are read (with `executor`, the transaction
   * when there is one, or through `tags`, the read cache) only when a policy looks at them.
   */
  async function requireOnSecret(
    access: RequestAccess,
    executor: Executor,
    secret: SecretRow,
    operation: SecretsManagerOperation,
    context?: Context,
    tags: () => Promise<Tag[]> = () => db.getTags(executor, secret.id),
  ): Promise<void> {
    const rp = resourcePolicyOf(secret);
    if (access.unrestricted(secret.account_id, rp?.policy)) return;
    access.require(secretCheck(secret, operation, rp, context, tagsNeeded(access, rp) ? await tags() : undefined));
  }

  function secretCheck(secret: SecretRow, operation: SecretsManagerOperation, rp: ResourcePolicy | undefined, context?: Context, tags?: Tag[]): AccessCheck {
    return {
      action: actionOf(operation),
      resource: secret.arn,
      resourceAccountId: secret.account_id,
      resourcePolicy: rp?.policy,
      context: { ...context, 'secretsmanager:SecretId': secret.arn, ...(tags && tagContext('aws:ResourceTag', tagRecord(tags))) },
    };
  }

  /**
   * For a SecretId that found no secret: the check runs against the ARN it would have, so a caller without
   * access gets AccessDenied whether the secret exists or not, and learns nothing from the difference.
   */
  function requireOnMissing(access: RequestAccess, owner: Scope, secretId: string, operation: SecretsManagerOperation, context?: Context): void {
    if (access.unrestricted(owner.accountId)) return;
    const arn = unresolvedSecretArn(owner, secretId);
    access.require({ action: actionOf(operation), resource: arn, resourceAccountId: owner.accountId, context: { ...context, 'secretsmanager:SecretId': arn }, shownResource: secretId });
  }

  /** Operations without a resource (ListSecrets, GetRandomPassword, BatchGetSecretValue): Resource "*". */
  function requireOnAccount(access: RequestAccess, scope: Scope, operation: SecretsManagerOperation, context?: Context): void {
    if (access.unrestricted(scope.accountId)) return;
    access.require({ action: actionOf(operation), resource: '*', resourceAccountId: scope.accountId, context });
  }

  /**
   * The AccessDeniedException for a KMS action on the key that protects (or will protect) a value, or
   * undefined when allowed. A key that is gone (undefined) fails the operation with its own error when used.
   * A customer managed key's grant to the caller allows what the policies do not, unless they deny it
   * explicitly. Secrets Manager binds its data keys with its own context string, not an EncryptionContext
   * map, so only grants without a constraint match here. `db`: the caller's transaction, when there is one
   * (on SQLite a read outside it would wait for it).
   */
  async function kmsRefusal(access: RequestAccess, owner: Scope, key: KeyRow | undefined, action: KmsAction, db: Executor): Promise<Error | undefined> {
    const caller = access.caller;
    if (!caller || !key) return undefined;
    const decision = keys.decideOnKey(access, key, action, { 'kms:ViaService': `secretsmanager.${owner.region}.amazonaws.com` });
    if (decision.allowed) return undefined;
    const grantable = decision.reason !== 'explicit-deny' && key.key_manager !== 'AWS';
    if (grantable && (await keys.grantAllows(key.key_id, caller.arn, action.slice('kms:'.length), undefined, db))) return undefined;
    return keys.refusalOnKey(access, key, action, decision);
  }

  /** Throws AccessDenied unless the KMS action on the key is allowed (by the policies or a grant). */
  async function requireKms(access: RequestAccess, owner: Scope, key: KeyRow | undefined, action: KmsAction, db: Executor): Promise<void> {
    const refusal = await kmsRefusal(access, owner, key, action, db);
    if (refusal) throw refusal;
  }

  async function allowsKms(access: RequestAccess, owner: Scope, key: KeyRow | undefined, action: KmsAction, db: Executor): Promise<boolean> {
    return (await kmsRefusal(access, owner, key, action, db)) === undefined;
  }

  return { resourcePolicyOf, allowsOnSecret, requireOnSecret, requireOnMissing, requireOnAccount, requireKms, allowsKms };
}

export type SecretAccess = ReturnType<typeof createSecretAccess>;

function tagRecord(tags: Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) out[t.Key] = t.Value;
  return out;
}

/** Request tags as condition keys: aws:RequestTag/<key> for each, and aws:TagKeys. */
export function requestTagContext(tags: Tag[]): Context {
  return { ...tagContext('aws:RequestTag', tagRecord(tags)), 'aws:TagKeys': tags.map((t) => t.Key) };
}
