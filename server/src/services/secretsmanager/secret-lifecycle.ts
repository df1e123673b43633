// DeleteSecret (recovery window or force), RestoreSecret, the purge of secrets whose window ended,
// TagResource and UntagResource.
import type {
  DeleteSecretRequest,
  DeleteSecretResponse,
  RestoreSecretRequest,
  RestoreSecretResponse,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-secrets-manager';
import { awsErrors } from '../../errors/aws-errors.ts';
import type { ContextValue } from '../../iam/index.ts';
import type { Tx } from '../../store/db.ts';
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import { buildSecretArn, randomSuffix, secretScope } from './arn.ts';
import { requestTagContext, type SecretAccess } from './secret-access.ts';
import { mergeTags, requestTags, type SecretServiceDeps } from './secret-context.ts';
import { findSecret, lookupSecret, requireNotDeleted } from './secret-lookup.ts';
import * as db from './secret-store.ts';
import * as replicas from './replica-store.ts';
import { requireNotReplica, type ReplicaSync } from './replica-sync.ts';
import type { Scope } from './secret-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RECOVERY_DAYS = 30;

type LifecycleOperation = 'DeleteSecret' | 'RestoreSecret' | 'TagResource' | 'UntagResource';

export function createSecretLifecycle(deps: SecretServiceDeps, access: SecretAccess, sync: ReplicaSync) {
  const { store, now, authorizer } = deps;

  /** The secret an operation names, locked for the transaction and authorized. */
  async function target(tx: Tx, authz: RequestAccess, owner: Scope, secretId: string, operation: LifecycleOperation, context?: Record<string, ContextValue>) {
    const secret = await findSecret(tx, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, operation, context), store.forUpdate);
    await access.requireOnSecret(authz, tx, secret, operation, context);
    requireNotReplica(secret);
    return secret;
  }

  async function deleteSecret(scope: RequestScope, input: DeleteSecretRequest): Promise<DeleteSecretResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const force = input.ForceDeleteWithoutRecovery === true;
    if (force && input.RecoveryWindowInDays !== undefined) {
      throw awsErrors.invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const days = input.RecoveryWindowInDays ?? DEFAULT_RECOVERY_DAYS;
    if (!force && (days < 7 || days > 30)) {
      throw awsErrors.invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    const context = {
      'secretsmanager:ForceDeleteWithoutRecovery': String(force),
      ...(input.RecoveryWindowInDays !== undefined ? { 'secretsmanager:RecoveryWindowInDays': String(input.RecoveryWindowInDays) } : {}),
    };
    return sync.transaction(async (tx) => {
      const t = now();
      const secret = await lookupSecret(tx, owner, input.SecretId!, store.forUpdate);
      if (!secret) {
        access.requireOnMissing(authz, owner, input.SecretId!, 'DeleteSecret', context);
        // AWS answers a forced delete of a missing secret with success (it is gone either way).
        if (!force) throw awsErrors.notFound("Secrets Manager can't find the specified secret.");
        const name = input.SecretId!;
        return { ARN: name.startsWith('arn:') ? name : buildSecretArn(owner, name, randomSuffix(deps.randomBytes)), Name: name, DeletionDate: new Date(t) };
      }
      await access.requireOnSecret(authz, tx, secret, 'DeleteSecret', context);
      requireNotReplica(secret);
      const replicaRegions = (await replicas.listReplicaEntries(tx, secret.id)).map((e) => e.region);
      if (replicaRegions.length > 0) {
        throw awsErrors.invalidParameter(`You can't delete secret ${secret.arn} that still has replica regions [${replicaRegions.join(', ')}].`);
      }
      if (force) {
        await db.deleteSecret(tx, secret.id);
        return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(t) };
      }
      if (secret.deleted_at !== null) {
        throw awsErrors.invalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.");
      }
      const deletionDate = t + days * DAY_MS;
      await db.updateSecret(tx, secret.id, { deleted_at: t, deletion_date: deletionDate });
      return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(deletionDate) };
    });
  }

  async function restoreSecret(scope: RequestScope, input: RestoreSecretRequest): Promise<RestoreSecretResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    return sync.transaction(async (tx) => {
      const secret = await target(tx, authz, owner, input.SecretId!, 'RestoreSecret');
      if (secret.deleted_at !== null) await db.updateSecret(tx, secret.id, { deleted_at: null, deletion_date: null });
      return { ARN: secret.arn, Name: secret.name };
    });
  }

  /** Removes secrets whose recovery window has ended. Safe to run on several servers at once. */
  async function purgeExpired(limit = 100): Promise<number> {
    const t = now();
    const due = await db.secretsDueForPurge(store.db, t, limit);
    let purged = 0;
    for (const { id } of due) {
      // Re-checked under the row lock: a RestoreSecret that landed after the scan keeps its secret.
      const deleted = await sync.transaction(async (tx) => {
        const row = await db.findSecretById(tx, id, store.forUpdate);
        if (!row || row.deletion_date === null || row.deletion_date > t) return false;
        await db.deleteSecret(tx, id);
        return true;
      });
      if (deleted) purged++;
    }
    return purged;
  }

  async function tagResource(scope: RequestScope, input: TagResourceRequest): Promise<Record<string, never>> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const added = requestTags(input.Tags);
    await sync.transaction(async (tx) => {
      const secret = await target(tx, authz, owner, input.SecretId!, 'TagResource', requestTagContext(added));
      requireNotDeleted(secret);
      const merged = mergeTags(await db.getTags(tx, secret.id), added);
      await db.replaceTags(tx, secret.id, merged);
      await db.updateSecret(tx, secret.id, { tagged: 1, last_changed_at: now() });
      await sync.propagate(tx, secret.id);
    });
    return {};
  }

  async function untagResource(scope: RequestScope, input: UntagResourceRequest): Promise<Record<string, never>> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const remove = new Set(input.TagKeys!);
    await sync.transaction(async (tx) => {
      const secret = await target(tx, authz, owner, input.SecretId!, 'UntagResource', { 'aws:TagKeys': input.TagKeys! });
      requireNotDeleted(secret);
      const kept = (await db.getTags(tx, secret.id)).filter((t) => !remove.has(t.Key));
      await db.replaceTags(tx, secret.id, kept);
      await db.updateSecret(tx, secret.id, { tagged: 1, last_changed_at: now() });
      await sync.propagate(tx, secret.id);
    });
    return {};
  }

  return { deleteSecret, restoreSecret, purgeExpired, tagResource, untagResource };
}
