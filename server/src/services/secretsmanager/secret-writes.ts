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
import { awsErrors } from '../../errors/aws-errors.ts';
import { isUniqueViolation, type Tx } from '../../store/db.ts';
import type { KeyRow } from '../kms/key-service.ts';
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import { buildSecretArn, randomSuffix, secretScope, validateSecretName } from './arn.ts';
import { requestTagContext, type SecretAccess } from './secret-access.ts';
import { mergeTags, requestTags, requireToken, sameValue, valueOf, type SecretServiceDeps } from './secret-context.ts';
import { findSecret, requireNotDeleted } from './secret-lookup.ts';
import { rekeyLabelledVersions } from './rekey.ts';
import { storedKeyId } from './stored-key-id.ts';
import { isReplica, requireNotReplica, type ReplicaSync } from './replica-sync.ts';
import { checkReplicaRegions, type ReplicaRegions, type Replication } from './replication.ts';
import { INVALID_ROTATION_TOKEN, matchesRotationToken } from './rotation-token.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow } from './secret-store.ts';
import { asEncryptionFailure, type SecretValue } from './value-crypto.ts';
import { AWSPENDING, applyNewVersion, deprecatedVersionsToPrune, stagesOf, updateVersionStage } from './versions.ts';

const VERSION_EXISTS = "You can't modify an existing version, you can only create a new version.";

export function createSecretWrites(deps: SecretServiceDeps, access: SecretAccess, sync: ReplicaSync, replication: Replication) {
  const { store, keys, values, now, authorizer } = deps;

  /**
   * The secret a write names, locked for the transaction and authorized for `operation`. A replica is refused,
   * unless `keyOfReplica`: an UpdateSecret that changes only the KMS key, the one write AWS allows on a replica.
   */
  async function writable(tx: Tx, authz: RequestAccess, owner: Scope, secretId: string, operation: 'PutSecretValue' | 'UpdateSecret' | 'UpdateSecretVersionStage', context?: Record<string, string>, keyOfReplica = false) {
    const secret = await findSecret(tx, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, operation, context), store.forUpdate);
    await access.requireOnSecret(authz, tx, secret, operation, context);
    if (!keyOfReplica) requireNotReplica(secret);
    return secret;
  }

  /**
   * The key a write uses. Inside the write's transaction the row is re-read and held (see
   * keys.lockForUse): a key resolved before the transaction may have been disabled or scheduled for
   * deletion since, and its state must be the one the value is sealed under.
   */
  async function resolveKey(scope: Scope, kmsKeyId: string | null | undefined, tx?: Tx): Promise<KeyRow> {
    try {
      const row = await keys.resolve(scope, kmsKeyId ?? undefined, tx);
      return tx ? await keys.lockForUse(tx, scope, row) : row;
    } catch (err) {
      throw asEncryptionFailure(err);
    }
  }

  /** A key resolved before the transaction, re-read and held inside it (see resolveKey). */
  async function lockKey(tx: Tx, scope: Scope, row: KeyRow): Promise<KeyRow> {
    try {
      return await keys.lockForUse(tx, scope, row);
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

  /** CreateSecret's AddReplicaRegions: the new secret, as written so far, replicated; its ReplicationStatus. */
  async function replicate(tx: Tx, secretId: string, regions: ReplicaRegions, force: boolean) {
    await replication.addRegions(tx, (await db.findSecretById(tx, secretId))!, regions, force);
    return sync.statusOf(tx, secretId);
  }

  async function inTransaction<T>(work: (tx: Tx) => Promise<T>, onConflict: () => Error): Promise<T> {
    try {
      return await sync.transaction(work);
    } catch (err) {
      if (isUniqueViolation(err)) throw onConflict();
      throw err;
    }
  }

  async function createSecret(scope: RequestScope, input: CreateSecretRequest): Promise<CreateSecretResponse> {
    const name = input.Name!;
    validateSecretName(name);
    const authz = await authorizer.forRequest(scope);
    const token = requireToken(input.ClientRequestToken);
    const value = valueOf(input);
    const replicaRegions = checkReplicaRegions(scope.region, input.AddReplicaRegions ?? []);
    const force = input.ForceOverwriteReplicaSecret === true;
    const tags = requestTags(input.Tags);
    mergeTags([], tags);
    // The new secret's ARN is drawn first: the authorization check names it, as AWS's does.
    const arn = buildSecretArn(scope, name, randomSuffix(deps.randomBytes));
    if (!authz.unrestricted(scope.accountId)) {
      const context = {
        'secretsmanager:Name': name,
        ...(input.Description !== undefined ? { 'secretsmanager:Description': input.Description } : {}),
        ...(input.KmsKeyId !== undefined ? { 'secretsmanager:KmsKeyId': input.KmsKeyId } : {}),
        ...(tags.length > 0 ? requestTagContext(tags) : {}),
        'secretsmanager:SecretId': arn,
      };
      const check = { resource: arn, resourceAccountId: scope.accountId, context };
      authz.require({ action: 'secretsmanager:CreateSecret', ...check });
      if (tags.length > 0) authz.require({ action: 'secretsmanager:TagResource', ...check });
      if (replicaRegions.length > 0) {
        const replicaContext = {
          ...context,
          'secretsmanager:AddReplicaRegions': replicaRegions.map((r) => r.region),
          'secretsmanager:ForceOverwriteReplicaSecret': String(force),
        };
        authz.require({ action: 'secretsmanager:ReplicateSecretToRegions', ...check, context: replicaContext });
      }
    }
    const key = await resolveKey(scope, input.KmsKeyId);
    if (value) {
      await access.requireKms(authz, scope, key, 'kms:GenerateDataKey', store.db);
      await access.requireKms(authz, scope, key, 'kms:Decrypt', store.db);
    }
    // The replica regions' keys are made before the transaction, and only for a name still free here.
    if (replicaRegions.length > 0 && !(await db.findSecretByName(store.db, scope, name))) {
      await replication.prepareRegions(authz, scope.accountId, replicaRegions);
    }

    return inTransaction(async (tx) => {
      const existing = await db.findSecretByName(tx, scope, name, store.forUpdate);
      if (existing) {
        if (existing.deleted_at !== null) {
          throw awsErrors.invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        }
        // A retried CreateSecret (same token, same value) succeeds without a change, as AWS's idempotency promises.
        if (value) {
          const version = await db.findVersion(tx, existing.id, token);
          if (version) {
            // The comparison decrypts the stored value: it needs kms:Decrypt on the existing secret's key, which
            // may not be the key the request named, so that it is no value oracle for a caller without it.
            await access.requireKms(authz, scope, await resolveKey(scope, existing.kms_key_id, tx), 'kms:Decrypt', tx);
            if (version.ciphertext && sameValue(await values.decrypt(scope, existing.id, version, tx), value)) {
              return { ARN: existing.arn, Name: existing.name, VersionId: token };
            }
            throw tokenInUse(token, existing.arn);
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
        arn,
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
        resource_policy: null,
        rotation_token_hash: null,
        seq: 0,
      };
      const { seq: _seq, ...row } = secret;
      await db.insertSecret(tx, row);
      await db.replaceTags(tx, secret.id, tags);
      if (value) await addVersion(tx, scope, secret, token, value, undefined, await lockKey(tx, scope, key));
      const replicated = replicaRegions.length > 0 ? { ReplicationStatus: await replicate(tx, secret.id, replicaRegions, force) } : {};
      return { ARN: secret.arn, Name: name, ...(value ? { VersionId: token } : {}), ...replicated };
    }, () => alreadyExists(name));
  }

  async function putSecretValue(scope: RequestScope, input: PutSecretValueRequest): Promise<PutSecretValueResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const token = requireToken(input.ClientRequestToken);
    const value = valueOf(input);
    if (!value) throw awsErrors.invalidParameter('You must provide either SecretString or SecretBinary.');
    await keys.defaultSecretsKey(owner);

    return inTransaction(async (tx) => {
      const secret = await writable(tx, authz, owner, input.SecretId!, 'PutSecretValue');
      requireNotDeleted(secret);
      // A RotationToken names the rotation this write is part of: only the attempt under way's is accepted. The
      // caller still needs its own permission (checked above): the token adds a check, it grants nothing.
      if (input.RotationToken !== undefined && !matchesRotationToken(input.RotationToken, secret.rotation_token_hash)) {
        throw awsErrors.invalidParameter(INVALID_ROTATION_TOKEN);
      }
      const secretKey = async () => {
        const key = await resolveKey(owner, secret.kms_key_id, tx);
        await access.requireKms(authz, owner, key, 'kms:GenerateDataKey', tx);
        return key;
      };
      const existing = await db.findVersion(tx, secret.id, token);
      if (existing) {
        const stages = await db.getStages(tx, secret.id);
        if (existing.ciphertext === null) {
          // Rotation's AWSPENDING placeholder: the rotation function fills it without moving AWSCURRENT.
          const requested = input.VersionStages ?? [];
          if (requested.length !== 1 || requested[0] !== AWSPENDING) throw tokenInUse(token, secret.arn);
          const key = await secretKey();
          await db.updateVersion(tx, secret.id, token, values.encrypt(owner, key, secret.id, token, value));
          await db.updateSecret(tx, secret.id, { last_changed_at: now() });
          await sync.propagate(tx, secret.id);
          return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: stagesOf(stages, token) };
        }
        // A retry answers as a fresh write would first (kms:GenerateDataKey), and the comparison decrypts the
        // stored value (kms:Decrypt): no value oracle for a caller who may not use the key.
        await access.requireKms(authz, owner, await secretKey(), 'kms:Decrypt', tx);
        if (!sameValue(await values.decrypt(owner, secret.id, existing, tx), value)) throw tokenInUse(token, secret.arn);
        return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: stagesOf(stages, token) };
      }
      const key = await secretKey();
      const stages = await addVersion(tx, owner, secret, token, value, input.VersionStages, key);
      await sync.propagate(tx, secret.id);
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: stages };
    }, () => awsErrors.resourceExists(VERSION_EXISTS));
  }

  async function updateSecret(scope: RequestScope, input: UpdateSecretRequest): Promise<UpdateSecretResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const token = requireToken(input.ClientRequestToken);
    const value = valueOf(input);
    // Resolved (and the default key created) before the transaction, then re-read and held inside it.
    const requestedKey = input.KmsKeyId !== undefined ? await resolveKey(owner, input.KmsKeyId) : undefined;
    if (value) await keys.defaultSecretsKey(owner);
    const context = {
      ...(input.Description !== undefined ? { 'secretsmanager:Description': input.Description } : {}),
      ...(input.KmsKeyId !== undefined ? { 'secretsmanager:KmsKeyId': input.KmsKeyId } : {}),
    };

    const keyOnly = input.KmsKeyId !== undefined && !value && input.Description === undefined;

    return inTransaction(async (tx) => {
      const secret = await writable(tx, authz, owner, input.SecretId!, 'UpdateSecret', context, keyOnly);
      requireNotDeleted(secret);
      if (isReplica(secret)) await replication.takeReplicaKey(tx, secret, input.KmsKeyId!);
      // A retry (same token, same value) succeeds doing nothing and returns that version, as on AWS.
      const retried = value && (await db.findVersion(tx, secret.id, token));
      if (retried) {
        // The key checks of a fresh UpdateSecret with a value come first, so the comparison is no value
        // oracle for a caller who may not use the key.
        const key = await resolveKey(owner, secret.kms_key_id, tx);
        await access.requireKms(authz, owner, key, 'kms:GenerateDataKey', tx);
        await access.requireKms(authz, owner, key, 'kms:Decrypt', tx);
        if (retried.ciphertext && sameValue(await values.decrypt(owner, secret.id, retried, tx), value)) {
          return { ARN: secret.arn, Name: secret.name, VersionId: token };
        }
        throw tokenInUse(token, secret.arn);
      }
      const newKey = requestedKey && (await lockKey(tx, owner, requestedKey));
      // Re-wrapping the labelled versions under a new key needs kms:Encrypt on it and kms:Decrypt on the old
      // one; without them AWS leaves the existing versions under their old key, and so does Coffer.
      let rekey = newKey !== undefined;
      if (rekey && !authz.unrestricted(owner.accountId)) {
        // The old key: a customer managed one needs kms:Decrypt; aws/secretsmanager (null) only its own account.
        const oldKeyAllowed = secret.kms_key_id === null
          ? authz.caller?.accountId === owner.accountId
          : await access.allowsKms(authz, owner, await resolveKey(owner, secret.kms_key_id, tx), 'kms:Decrypt', tx);
        rekey = oldKeyAllowed && (await access.allowsKms(authz, owner, newKey!, 'kms:Encrypt', tx));
      }
      const patch: Partial<db.NewSecretRow> = {};
      if (input.Description !== undefined) patch.description = input.Description;
      if (newKey) patch.kms_key_id = storedKeyId(input.KmsKeyId, newKey);
      if (Object.keys(patch).length > 0) {
        patch.last_changed_at = now();
        await db.updateSecret(tx, secret.id, patch);
      }
      if (newKey && rekey) await rekeyLabelledVersions(values, tx, owner, secret, newKey);
      if (!value) {
        await sync.propagate(tx, secret.id);
        return { ARN: secret.arn, Name: secret.name };
      }
      const key = newKey ?? (await resolveKey(owner, secret.kms_key_id, tx));
      await access.requireKms(authz, owner, key, 'kms:GenerateDataKey', tx);
      await access.requireKms(authz, owner, key, 'kms:Decrypt', tx);
      await addVersion(tx, owner, secret, token, value, undefined, key);
      await sync.propagate(tx, secret.id);
      return { ARN: secret.arn, Name: secret.name, VersionId: token };
    }, () => awsErrors.resourceExists(VERSION_EXISTS));
  }

  async function updateSecretVersionStage(scope: RequestScope, input: UpdateSecretVersionStageRequest): Promise<UpdateSecretVersionStageResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    return sync.transaction(async (tx) => {
      const secret = await writable(tx, authz, owner, input.SecretId!, 'UpdateSecretVersionStage', { 'secretsmanager:VersionStage': input.VersionStage! });
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
        await sync.propagate(tx, secret.id);
      }
      return { ARN: secret.arn, Name: secret.name };
    });
  }

  return { createSecret, putSecretValue, updateSecret, updateSecretVersionStage };
}

/** AWS's answer when a token that names a version of the secret comes with a different value. */
function tokenInUse(token: string, arn: string) {
  return awsErrors.resourceExists(`You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`);
}

function alreadyExists(name: string) {
  return awsErrors.resourceExists(`The operation failed because the secret ${name} already exists.`);
}
