// Authorization of Secrets Manager operations: the IAM action of each operation (iam/'s action table), the
// secret's resource policy (compiled once per policy text and cached), the condition keys of the request
// (secretsmanager:SecretId, the secret's tags as aws:ResourceTag/* when a policy reads them, and what each
// operation adds), and the KMS permission on a customer managed key.
//
// KMS: Coffer has no key policies yet. A key behaves as if its key policy were AWS's default one (the
// account's identity policies decide), and the aws/secretsmanager key as AWS's managed key policy (every
// principal of the account, through Secrets Manager only; no other account). Across accounts, the caller's
// identity policy must allow the KMS action on the customer managed key; the key owner's consent is the
// secret's resource policy (in AWS it would also be the key policy). KMS grants are honoured after the policies
// (kmsDenialAfterGrants).
import {
  parsePolicy,
  SECRETS_MANAGER_OPERATIONS,
  tagContext,
  type CompiledPolicy,
  type ContextValue,
  type KmsAction,
  type SecretsManagerOperation,
} from '../../iam/index.ts';
import { awsErrors } from '../../errors/aws-errors.ts';
import type { Executor } from '../../store/db.ts';
import type { KeyService } from '../kms/key-service.ts';
import type { AccessCaller, AccessCheck, RequestAccess } from '../../access/authorizer.ts';
import { usesResourceTags } from '../../access/policy-keys.ts';
import { unresolvedSecretArn } from './arn.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow, Tag } from './secret-store.ts';

type Context = Record<string, ContextValue>;
type KeyRef = { key_id: string; arn: string; key_manager: string };
/** What Secrets Manager asks of KMS grants (kms/key-service.ts's grantAllows). */
type KmsGrants = Pick<KeyService, 'grantAllows'>;
interface ResourcePolicy {
  policy: CompiledPolicy;
  usesTags: boolean;
}

export function createSecretAccess(grants: KmsGrants) {
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
   * Decision of a KMS action on the key that protects (or will protect) a value: the denial, or undefined
   * when allowed. A key that is gone (undefined) fails the operation with its own error when used.
   */
  function kmsDecision(access: RequestAccess, owner: Scope, key: KeyRef | undefined, action: KmsAction): { message: string; explicit: boolean } | undefined {
    const caller = access.caller;
    if (!caller || !key) return undefined;
    const sameAccount = caller.accountId === owner.accountId;
    if (sameAccount && access.identity.kind === 'root') return undefined;
    if (key.key_manager === 'AWS') return sameAccount ? undefined : { message: `${kmsDenial(caller, action, key)} because no resource-based policy allows the ${action} action`, explicit: false };
    const decision = access.decide({
      action,
      resource: key.arn,
      resourceAccountId: caller.accountId,
      context: { 'kms:ViaService': `secretsmanager.${owner.region}.amazonaws.com`, 'kms:CallerAccount': caller.accountId },
    });
    if (decision.allowed) return undefined;
    const head = kmsDenial(caller, action, key);
    const explicit = decision.reason === 'explicit-deny';
    return { message: explicit ? `${head} with an explicit deny in an identity-based policy` : `${head} because no identity-based policy allows the ${action} action`, explicit };
  }

  /**
   * The grants hook: a KMS action the policies do not allow on a customer managed key may be allowed by a
   * grant of the key to the caller, never past an explicit deny. Secrets Manager binds its data keys with its
   * own context string, not an EncryptionContext map, so only grants without a constraint match here.
   * `db`: the caller's transaction, when there is one (on SQLite a read outside it would wait for it).
   */
  async function kmsDenialAfterGrants(access: RequestAccess, owner: Scope, key: KeyRef | undefined, action: KmsAction, db: Executor): Promise<string | undefined> {
    const denied = kmsDecision(access, owner, key, action);
    if (!denied || denied.explicit || !key || key.key_manager === 'AWS') return denied?.message;
    const operation = action.slice('kms:'.length);
    return (await grants.grantAllows(key.key_id, access.caller!.arn, operation, undefined, db)) ? undefined : denied.message;
  }

  /** Throws AccessDenied unless the KMS action on the key is allowed (by the policies or a grant). */
  async function requireKms(access: RequestAccess, owner: Scope, key: KeyRef | undefined, action: KmsAction, db: Executor): Promise<void> {
    const denied = await kmsDenialAfterGrants(access, owner, key, action, db);
    if (denied) throw awsErrors.accessDenied(denied);
  }

  async function allowsKms(access: RequestAccess, owner: Scope, key: KeyRef | undefined, action: KmsAction, db: Executor): Promise<boolean> {
    return (await kmsDenialAfterGrants(access, owner, key, action, db)) === undefined;
  }

  return { resourcePolicyOf, allowsOnSecret, requireOnSecret, requireOnMissing, requireOnAccount, requireKms, allowsKms };
}

export type SecretAccess = ReturnType<typeof createSecretAccess>;

/** The start of a KMS AccessDenied message (built only for a denial: allowed calls are the hot path). */
function kmsDenial(caller: AccessCaller, action: KmsAction, row: KeyRef): string {
  return `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${row.arn}`;
}

function tagRecord(tags: Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) out[t.Key] = t.Value;
  return out;
}

/** Request tags as condition keys: aws:RequestTag/<key> for each, and aws:TagKeys. */
export function requestTagContext(tags: Tag[]): Context {
  return { ...tagContext('aws:RequestTag', tagRecord(tags)), 'aws:TagKeys': tags.map((t) => t.Key) };
}
