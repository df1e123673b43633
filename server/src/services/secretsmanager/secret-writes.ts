// Writes that create secrets and versions and move labels: CreateSecret, PutSecretValue, UpdateSecret,
// UpdateSecretVersionStage. Each runs in one transaction, with the secret row locked on PostgreSQL, so no
// reader ever sees a secret with two AWSCURRENT versions or none.
import type {
  CreateSecretRequest,
  CreateSecretResponse,
  PutSecretValueRequest,
  PutSecretValueResponse,
  UpdateSecretRequest,
  UpdateSecretResponse,
  UpdateSecretVersionStageRequest,
  UpdateSecretVersionStageResponse,
} from '@aws-sdk/client-secrets-manager';
import { awsErrors } from '../../protocol/errors.ts';
import { isUniqueViolation, type Tx } from '../../store/db.ts';
import type { KeyRow } from '../kms/key-service.ts';
import { buildSecretArn, randomSuffix, validateSecretName } from './arn.ts';
import { checkTags, mergeTags, requireToken, sameValue, valueOf, type SecretServiceDeps } from './secret-context.ts';
import { requireNotDeleted, requireSecret } from './secret-lookup.ts';
import { rekeyLabelledVersions } from './rekey.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow } from './secret-store.ts';
import { asEncryptionFailure, type SecretValue } from './value-crypto.ts';
import { AWSPENDING, applyNewVersion, deprecatedVersionsToPrune, stagesOf, updateVersionStage } from './versions.ts';

const VERSION_EXISTS = "You can't modify an existing version, you can only create a new version.";

export function createSecretWrites(deps: SecretServiceDeps) {
  const { store, keys, values, now } = deps;

  async function resolveKey(scope: Scope, kmsKeyId: string | null | undefined, tx?: Tx): Promise<KeyRow> {
    try {
      return await keys.resolve(scope, kmsKeyId ?? undefined, tx);
    } catch (err) {
      throw asEncryptionFailure(err);
    }
  }

  /** Adds a version with a value and applies the label rules; returns the new version's labels. */
  async function addVersion(
    tx: Tx,
    scope: Scope,
    secret: SecretRow,
    versionId: string,
    value: SecretValue,
    requestedStages: string[] | undefined,
    key: KeyRow,
  ): Promise<string[]> {
    const stages = await db.getStages(tx, secret.id);
    const versions = await db.listVersions(tx, secret.id);
    const transition = applyNewVersion(stages, versionId, requestedStages, versions.length === 0);
    const t = now();
    await db.insertVersion(tx, {
      secret_id: secret.id,
      version_id: versionId,
      created_at: t,
      last_accessed_at: null,
      ...values.encrypt(scope, key, secret.id, versionId, value),
    });
    await db.replaceStages(tx, secret.id, transition.state as Map<string, string>);
    await db.updateSecret(tx, secret.id, { last_changed_at: t });
    await pruneDeprecated(tx, secret.id, transition.state as Map<string, string>, [...versions, { version_id: versionId, created_at: t }]);
    return stagesOf(transition.state, versionId);
  }

  async function pruneDeprecated(tx: Tx, secretId: string, stages: Map<string, string>, versions: Array<{ version_id: string; created_at: number }>) {
    const prune = deprecatedVersionsToPrune(
      versions.map((v) => ({ versionId: v.version_id, createdAt: new Date(v.created_at), stages: stagesOf(stages, v.version_id) })),
      new Date(now()),
    );
    await db.deleteVersions(tx, secretId, prune);
  }

  async function inTransaction<T>(work: (tx: Tx) => Promise<T>, onConflict: () => Error): Promise<T> {
    try {
      return await store.db.transaction().execute(work);
    } catch (err) {
      if (isUniqueViolation(err)) throw onConflict();
      throw err;
    }
  }

  async function createSecret(scope: Scope, input: CreateSecretRequest): Promise<CreateSecretResponse> {
    const name = input.Name!;
    validateSecretName(name);
    const token = requireToken(input.ClientRequestToken);
    const value = valueOf(input);
    if (input.AddReplicaRegions?.length) throw awsErrors.notImplemented('Coffer does not replicate secrets to other regions yet.');
    const tags = input.Tags?.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })) ?? [];
    checkTags(tags);
    mergeTags([], tags);
    const key = await resolveKey(scope, input.KmsKeyId);

    return inTransaction(async (tx) => {
      const existing = await db.findSecretByName(tx, scope, name, store.forUpdate);
      if (existing) {
        if (existing.deleted_at !== null) {
          throw awsErrors.invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        }
        // A retried CreateSecret (same token, same value) succeeds without a change, as AWS's idempotency promises.
        if (value) {
          const version = await db.findVersion(tx, existing.id, token);
          if (version?.ciphertext && sameValue(await values.decrypt(scope, existing.id, version, tx), value)) {
            return { ARN: existing.arn, Name: existing.name, VersionId: token };
          }
        }
        throw alreadyExists(name);
      }
      const t = now();
      const secret: SecretRow = {
        id: deps.randomUUID(),
        account_id: scope.accountId,
        region: scope.region,
        name,
        arn: buildSecretArn(scope, name, randomSuffix(deps.randomBytes)),
        description: input.Description ?? null,
        kms_key_id: storedKeyId(input.KmsKeyId, key),
        created_at: t,
        last_changed_at: t,
        last_accessed_at: null,
        deleted_at: null,
        deletion_date: null,
        tagged: tags.length > 0 ? 1 : 0,
        owning_service: null,
        primary_region: null,
        seq: 0,
      };
      const { seq: _seq, ...row } = secret;
      await db.insertSecret(tx, row);
      await db.replaceTags(tx, secret.id, tags);
      if (!value) return { ARN: secret.arn, Name: name };
      await addVersion(tx, scope, secret, token, value, undefined, key);
      return { ARN: secret.arn, Name: name, VersionId: token };
    }, () => alreadyExists(name));
  }

  async function putSecretValue(scope: Scope, input: PutSecretValueRequest): Promise<PutSecretValueResponse> {
    const token = requireToken(input.ClientRequestToken);
    const value = valueOf(input);
    if (!value) throw awsErrors.invalidParameter('You must provide either SecretString or SecretBinary.');
    if (input.RotationToken !== undefined) throw awsErrors.notImplemented('Coffer does not support RotationToken (external rotation) yet.');
    await keys.defaultSecretsKey(scope);

    return inTransaction(async (tx) => {
      const secret = await requireSecret(tx, scope, input.SecretId!, store.forUpdate);
      requireNotDeleted(secret);
      const existing = await db.findVersion(tx, secret.id, token);
      if (existing) {
        const stages = await db.getStages(tx, secret.id);
        if (existing.ciphertext === null) {
          // Rotation's AWSPENDING placeholder: the rotation function fills it without moving AWSCURRENT.
          const requested = input.VersionStages ?? [];
          if (requested.length !== 1 || requested[0] !== AWSPENDING) throw awsErrors.resourceExists(VERSION_EXISTS);
          const key = await resolveKey(scope, secret.kms_key_id, tx);
          await db.updateVersion(tx, secret.id, token, values.encrypt(scope, key, secret.id, token, value));
          await db.updateSecret(tx, secret.id, { last_changed_at: now() });
          return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: stagesOf(stages, token) };
        }
        if (!sameValue(await values.decrypt(scope, secret.id, existing, tx), value)) throw awsErrors.resourceExists(VERSION_EXISTS);
        return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: stagesOf(stages, token) };
      }
      const key = await resolveKey(scope, secret.kms_key_id, tx);
      const stages = await addVersion(tx, scope, secret, token, value, input.VersionStages, key);
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: stages };
    }, () => awsErrors.resourceExists(VERSION_EXISTS));
  }

  async function updateSecret(scope: Scope, input: UpdateSecretRequest): Promise<UpdateSecretResponse> {
    const token = requireToken(input.ClientRequestToken);
    const value = valueOf(input);
    const newKey = input.KmsKeyId !== undefined ? await resolveKey(scope, input.KmsKeyId) : undefined;
    if (value) await keys.defaultSecretsKey(scope);

    return inTransaction(async (tx) => {
      const secret = await requireSecret(tx, scope, input.SecretId!, store.forUpdate);
      requireNotDeleted(secret);
      const patch: Partial<db.NewSecretRow> = {};
      if (input.Description !== undefined) patch.description = input.Description;
      if (newKey) patch.kms_key_id = storedKeyId(input.KmsKeyId, newKey);
      if (Object.keys(patch).length > 0) {
        patch.last_changed_at = now();
        await db.updateSecret(tx, secret.id, patch);
      }
      if (newKey) await rekeyLabelledVersions(values, tx, scope, secret, newKey);
      if (!value) return { ARN: secret.arn, Name: secret.name };
      // Unlike PutSecretValue, UpdateSecret never reuses an existing version id, even for the same value.
      if (await db.findVersion(tx, secret.id, token)) throw awsErrors.resourceExists(VERSION_EXISTS);
      const key = newKey ?? (await resolveKey(scope, secret.kms_key_id, tx));
      await addVersion(tx, scope, secret, token, value, undefined, key);
      return { ARN: secret.arn, Name: secret.name, VersionId: token };
    }, () => awsErrors.resourceExists(VERSION_EXISTS));
  }

  async function updateSecretVersionStage(scope: Scope, input: UpdateSecretVersionStageRequest): Promise<UpdateSecretVersionStageResponse> {
    return store.db.transaction().execute(async (tx) => {
      const secret = await requireSecret(tx, scope, input.SecretId!, store.forUpdate);
      requireNotDeleted(secret);
      for (const versionId of [input.MoveToVersionId, input.RemoveFromVersionId]) {
        if (versionId !== undefined && !(await db.findVersion(tx, secret.id, versionId))) {
          throw awsErrors.invalidParameter(`The version ${versionId} doesn't exist for the secret ${secret.name}.`);
        }
      }
      const stages = await db.getStages(tx, secret.id);
      const transition = updateVersionStage(stages, input.VersionStage!, {
        moveTo: input.MoveToVersionId,
        removeFrom: input.RemoveFromVersionId,
      });
      if (transition.changes.length > 0) {
        await db.replaceStages(tx, secret.id, transition.state as Map<string, string>);
        await db.updateSecret(tx, secret.id, { last_changed_at: now() });
      }
      return { ARN: secret.arn, Name: secret.name };
    });
  }

  return { createSecret, putSecretValue, updateSecret, updateSecretVersionStage };
}

/**
 * The KmsKeyId a secret keeps, as the caller named it; null for the aws/secretsmanager key however it was
 * named (omitted, '', its alias or its id): DescribeSecret omits KmsKeyId for that key.
 */
function storedKeyId(requested: string | undefined, key: KeyRow): string | null {
  return requested === undefined || key.key_manager === 'AWS' ? null : requested;
}

function alreadyExists(name: string) {
  return awsErrors.resourceExists(`The operation failed because the secret ${name} already exists.`);
}
