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
import { awsErrors } from '../../protocol/errors.ts';
import { buildSecretArn, randomSuffix } from './arn.ts';
import { mergeTags, type SecretServiceDeps } from './secret-context.ts';
import { lookupSecret, requireNotDeleted, requireSecret } from './secret-lookup.ts';
import * as db from './secret-store.ts';
import type { Scope } from './secret-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RECOVERY_DAYS = 30;

export function createSecretLifecycle(deps: SecretServiceDeps) {
  const { store, now } = deps;

  async function deleteSecret(scope: Scope, input: DeleteSecretRequest): Promise<DeleteSecretResponse> {
    const force = input.ForceDeleteWithoutRecovery === true;
    if (force && input.RecoveryWindowInDays !== undefined) {
      throw awsErrors.invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const days = input.RecoveryWindowInDays ?? DEFAULT_RECOVERY_DAYS;
    if (!force && (days < 7 || days > 30)) {
      throw awsErrors.invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    return store.db.transaction().execute(async (tx) => {
      const t = now();
      const secret = await lookupSecret(tx, scope, input.SecretId!, store.forUpdate);
      if (!secret) {
        // AWS answers a forced delete of a missing secret with success (it is gone either way).
        if (!force) throw awsErrors.notFound("Secrets Manager can't find the specified secret.");
        const name = input.SecretId!;
        return { ARN: name.startsWith('arn:') ? name : buildSecretArn(scope, name, randomSuffix(deps.randomBytes)), Name: name, DeletionDate: new Date(t) };
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

  async function restoreSecret(scope: Scope, input: RestoreSecretRequest): Promise<RestoreSecretResponse> {
    return store.db.transaction().execute(async (tx) => {
      const secret = await requireSecret(tx, scope, input.SecretId!, store.forUpdate);
      if (secret.deleted_at !== null) await db.updateSecret(tx, secret.id, { deleted_at: null, deletion_date: null });
      return { ARN: secret.arn, Name: secret.name };
    });
  }

  /** Removes secrets whose recovery window has ended. Safe to run on several servers at once. */
  async function purgeExpired(limit = 100): Promise<number> {
    const due = await db.secretsDueForPurge(store.db, now(), limit);
    for (const { id } of due) await store.db.transaction().execute((tx) => db.deleteSecret(tx, id));
    return due.length;
  }

  async function tagResource(scope: Scope, input: TagResourceRequest): Promise<Record<string, never>> {
    const added = input.Tags!.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' }));
    await store.db.transaction().execute(async (tx) => {
      const secret = await requireSecret(tx, scope, input.SecretId!, store.forUpdate);
      requireNotDeleted(secret);
      const merged = mergeTags(await db.getTags(tx, secret.id), added);
      await db.replaceTags(tx, secret.id, merged);
      await db.updateSecret(tx, secret.id, { tagged: 1, last_changed_at: now() });
    });
    return {};
  }

  async function untagResource(scope: Scope, input: UntagResourceRequest): Promise<Record<string, never>> {
    const remove = new Set(input.TagKeys!);
    await store.db.transaction().execute(async (tx) => {
      const secret = await requireSecret(tx, scope, input.SecretId!, store.forUpdate);
      requireNotDeleted(secret);
      const kept = (await db.getTags(tx, secret.id)).filter((t) => !remove.has(t.Key));
      await db.replaceTags(tx, secret.id, kept);
      await db.updateSecret(tx, secret.id, { tagged: 1, last_changed_at: now() });
    });
    return {};
  }

  return { deleteSecret, restoreSecret, purgeExpired, tagResource, untagResource };
}
