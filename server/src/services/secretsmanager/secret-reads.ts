// Reads of one secret: GetSecretValue (the hot path), BatchGetSecretValue, DescribeSecret,
// ListSecretVersionIds. Field presence follows what AWS returns (see aws-behaviours.md).
import type {
  BatchGetSecretValueRequest,
  BatchGetSecretValueResponse,
  DescribeSecretRequest,
  DescribeSecretResponse,
  GetSecretValueRequest,
  GetSecretValueResponse,
  ListSecretVersionIdsRequest,
  ListSecretVersionIdsResponse,
  SecretVersionsListEntry,
} from '@aws-sdk/client-secrets-manager';
import { AwsError, awsErrors } from '../../errors/aws-errors.ts';
import { runSteps, step, type MaybePromise } from '../../protocol/maybe-promise.ts';
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import { secretScope } from './arn.ts';
import type { SecretAccess } from './secret-access.ts';
import { startOfDay, toDate, type SecretServiceDeps } from './secret-context.ts';
import { findSecret, requireNotDeleted } from './secret-lookup.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow, VersionRow } from './secret-store.ts';
import { decodeOffsetToken, encodeOffsetToken } from './page-token.ts';
import { createReadCache, type CachedSecret } from './read-cache.ts';
import { AWSCURRENT, stagesByVersion, stagesOf } from './versions.ts';
import type { SecretValue } from './value-crypto.ts';

const NO_VALUE_FOR = "Secrets Manager can't find the specified secret value for ";

export function createSecretReads(deps: SecretServiceDeps, access: SecretAccess) {
  const { store, values, now, authorizer } = deps;
  const cache = createReadCache(store);

  async function findVersion(entry: CachedSecret, versionId: string): Promise<VersionRow | undefined> {
    let version = entry.versions.get(versionId);
    if (!version) {
      version = await db.findVersion(store.db, entry.secret.id, versionId);
      if (version) entry.versions.set(versionId, version);
    }
    return version;
  }

  /** The version a read asks for, found through the secret's label map. */
  async function readVersion(entry: CachedSecret, versionId: string | undefined, stage: string | undefined): Promise<VersionRow> {
    const { stages } = entry;
    if (versionId !== undefined && stage !== undefined && stages.get(stage) !== versionId) {
      const exists = await findVersion(entry, versionId);
      if (exists?.ciphertext) throw awsErrors.invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
    }
    const label = stage ?? AWSCURRENT;
    const id = versionId ?? stages.get(label);
    const version = id === undefined ? undefined : await findVersion(entry, id);
    if (!version?.ciphertext) {
      throw awsErrors.notFound(versionId !== undefined ? `${NO_VALUE_FOR}VersionId: ${versionId}` : `${NO_VALUE_FOR}staging label: ${label}`);
    }
    return version;
  }

  /** The version a plain read names when the cache has it (the hot path); undefined sends it to readVersion. */
  function cachedVersion(entry: CachedSecret, versionId: string | undefined, stage: string | undefined): VersionRow | undefined {
    const id = stage === undefined ? (versionId ?? entry.stages.get(AWSCURRENT)) : entry.stages.get(stage);
    if (id === undefined || (versionId !== undefined && id !== versionId)) return undefined;
    const version = entry.versions.get(id);
    return version?.ciphertext ? version : undefined;
  }

  /** Records the read, once a day at most per secret and version (LastAccessedDate is a day). */
  function touch(secret: SecretRow, version: VersionRow): Promise<void> | undefined {
    const day = startOfDay(now());
    if (secret.last_accessed_at === day && version.last_accessed_at === day) return undefined;
    return (async () => {
      if (secret.last_accessed_at !== day) await db.touchSecretAccess(store.db, secret.id, day);
      if (version.last_accessed_at !== day) await db.touchVersionAccess(store.db, secret.id, version.version_id, day);
    })();
  }

  /** The value a read names; synchronous when every step answers from the caches (the hot path). */
  function valueOf(scope: RequestScope, authz: MaybePromise<RequestAccess>, secretId: string, versionId?: string, stage?: string): MaybePromise<GetSecretValueResponse> {
    return runSteps(valueSteps(scope, authz, secretId, versionId, stage));
  }

  // Each step yields what it waits for: a cached answer goes on at once, a read from the store is a promise.
  function* valueSteps(scope: RequestScope, authzOrPending: MaybePromise<RequestAccess>, secretId: string, versionId?: string, stage?: string) {
    const authz = yield* step(authzOrPending);
    const owner = secretScope(scope, secretId);
    const context =
      versionId === undefined && stage === undefined
        ? undefined
        : {
            ...(versionId !== undefined ? { 'secretsmanager:VersionId': versionId } : {}),
            ...(stage !== undefined ? { 'secretsmanager:VersionStage': stage } : {}),
          };
    const entry = yield* step(
      cache.peek(owner, secretId) ??
        cache.load(owner, secretId, async () => {
          const secret = await findSecret(store.db, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, 'GetSecretValue', context));
          return { secret, stages: await db.getStages(store.db, secret.id), versions: new Map() };
        }),
    );
    const { secret, stages } = entry;
    yield access.requireOnSecret(authz, store.db, secret, 'GetSecretValue', context, async () => (entry.tags ??= await db.getTags(store.db, secret.id)));
    requireNotDeleted(secret);
    const version = cachedVersion(entry, versionId, stage) ?? (yield* step(readVersion(entry, versionId, stage)));
    yield access.requireKms(authz, owner, version.kms_key_id, 'kms:Decrypt');
    const value = yield* step(values.readValue(owner, secret.id, version, responseValue));
    yield touch(secret, version);
    const text = typeof value === 'string';
    const response: GetSecretValueResponse = {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.version_id,
      SecretString: text ? value : undefined,
      SecretBinary: text ? undefined : value,
      VersionStages: stagesOf(stages, version.version_id),
      CreatedDate: new Date(version.created_at),
    };
    return response;
  }

  function getSecretValue(scope: RequestScope, input: GetSecretValueRequest): MaybePromise<GetSecretValueResponse> {
    return valueOf(scope, authorizer.forRequest(scope), input.SecretId!, input.VersionId, input.VersionStage);
  }

  /**
   * BatchGetSecretValue needs secretsmanager:BatchGetSecretValue, and GetSecretValue on each secret: a secret
   * the caller may not read is reported in Errors (AccessDeniedException), as AWS does. With Filters, the
   * listing shows only the secrets the caller may list (ListSecrets, see secret-listing.ts).
   */
  async function batchGetSecretValue(scope: RequestScope, input: BatchGetSecretValueRequest, listNames: ListNames): Promise<BatchGetSecretValueResponse> {
    const authz = await authorizer.forRequest(scope);
    access.requireOnAccount(authz, scope, 'BatchGetSecretValue');
    const ids = input.SecretIdList;
    if ((ids === undefined) === (input.Filters === undefined)) {
      throw awsErrors.invalidParameter('Specify either SecretIdList or Filters, but not both.');
    }
    if (ids && (input.MaxResults !== undefined || input.NextToken !== undefined)) {
      throw awsErrors.invalidParameter('MaxResults and NextToken can only be used with Filters.');
    }
    let secretIds: string[];
    let nextToken: string | undefined;
    if (ids) {
      secretIds = ids;
    } else {
      const page = await listNames(scope, authz, input.Filters!, input.MaxResults ?? 20, input.NextToken);
      secretIds = page.arns;
      nextToken = page.nextToken;
    }
    const SecretValues: NonNullable<BatchGetSecretValueResponse['SecretValues']> = [];
    const Errors: NonNullable<BatchGetSecretValueResponse['Errors']> = [];
    for (const secretId of secretIds) {
      try {
        SecretValues.push(await valueOf(scope, authz, secretId));
      } catch (err) {
        if (!(err instanceof AwsError) || err.fault) throw err;
        Errors.push({ SecretId: secretId, ErrorCode: err.code, Message: err.message });
      }
    }
    return { SecretValues, Errors, ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  /** The secret a read names, authorized for `operation`. */
  async function readable(scope: RequestScope, secretId: string, operation: 'DescribeSecret' | 'ListSecretVersionIds') {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, secretId);
    const secret = await findSecret(store.db, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, operation));
    await access.requireOnSecret(authz, store.db, secret, operation);
    return { owner, secret };
  }

  async function describeSecret(scope: RequestScope, input: DescribeSecretRequest): Promise<DescribeSecretResponse> {
    const { secret } = await readable(scope, input.SecretId!, 'DescribeSecret');
    const [stages, tags] = await Promise.all([db.getStages(store.db, secret.id), db.getTags(store.db, secret.id)]);
    return describe(secret, stages, tags);
  }

  async function listSecretVersionIds(scope: RequestScope, input: ListSecretVersionIdsRequest): Promise<ListSecretVersionIdsResponse> {
    const { owner, secret } = await readable(scope, input.SecretId!, 'ListSecretVersionIds');
    const stages = await db.getStages(store.db, secret.id);
    let versions = await db.listVersions(store.db, secret.id);
    if (!input.IncludeDeprecated) versions = versions.filter((v) => stagesOf(stages, v.version_id).length > 0);
    const start = input.NextToken !== undefined ? decodeOffsetToken(input.NextToken, `versions:${secret.id}`) : 0;
    const limit = input.MaxResults ?? 100;
    const page = versions.slice(start, start + limit);
    const defaultKeyId = versions.length > 0 ? (await deps.keys.defaultSecretsKey(owner)).key_id : undefined;
    const Versions: SecretVersionsListEntry[] = page.map((v) => {
      const labels = stagesOf(stages, v.version_id);
      return {
        VersionId: v.version_id,
        ...(labels.length > 0 ? { VersionStages: labels } : {}),
        ...(v.last_accessed_at !== null ? { LastAccessedDate: new Date(v.last_accessed_at) } : {}),
        CreatedDate: new Date(v.created_at),
        ...(v.kms_key_id ? { KmsKeyIds: [v.kms_key_id === defaultKeyId ? 'DefaultEncryptionKey' : deps.keys.keyArn(owner, v.kms_key_id)] } : {}),
      };
    });
    const next = start + limit < versions.length ? encodeOffsetToken(start + limit, `versions:${secret.id}`) : undefined;
    return { Versions, ...(next ? { NextToken: next } : {}), ARN: secret.arn, Name: secret.name };
  }

  return { getSecretValue, batchGetSecretValue, describeSecret, listSecretVersionIds };
}

export type ListNames = (
  scope: Scope,
  authz: RequestAccess,
  filters: NonNullable<BatchGetSecretValueRequest['Filters']>,
  limit: number,
  nextToken: string | undefined,
) => Promise<{ arns: string[]; nextToken?: string }>;

/** DescribeSecret's view of a secret; ListSecrets entries share it under other field names. */
export function describe(secret: SecretRow, stages: Map<string, string>, tags: db.Tag[]): DescribeSecretResponse {
  const versionMap: Record<string, string[]> = Object.fromEntries(stagesByVersion(stages));
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description ? { Description: secret.description } : {}),
    ...(secret.kms_key_id ? { KmsKeyId: secret.kms_key_id } : {}),
    LastChangedDate: toDate(secret.last_changed_at),
    ...(secret.last_accessed_at !== null ? { LastAccessedDate: toDate(secret.last_accessed_at) } : {}),
    ...(secret.deleted_at !== null ? { DeletedDate: toDate(secret.deletion_date) } : {}),
    ...(secret.tagged ? { Tags: tags } : {}),
    VersionIdsToStages: versionMap,
    ...(secret.owning_service ? { OwningService: secret.owning_service } : {}),
    CreatedDate: toDate(secret.created_at),
    ...(secret.primary_region ? { PrimaryRegion: secret.primary_region } : {}),
  };
}

/** A value as the response carries it: the text of a string value, a copy of a binary one. */
function responseValue(kind: SecretValue['kind'], bytes: Buffer): string | Buffer {
  return kind === 'string' ? bytes.toString('utf8') : Buffer.from(bytes);
}
