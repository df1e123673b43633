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
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import { secretScope } from './arn.ts';
import type { SecretAccess } from './secret-access.ts';
import { startOfDay, toDate, type SecretServiceDeps } from './secret-context.ts';
import { findSecret, requireNotDeleted } from './secret-lookup.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow, Tag, VersionRow } from './secret-store.ts';
import type { ReadView } from '../../store/read-cache.ts';
import { isBusy } from '../../store/db.ts';
import type { ReplicaSync } from './replica-sync.ts';
import { decodeOffsetToken, encodeOffsetToken } from './page-token.ts';
import { AWSCURRENT, stagesByVersion, stagesOf } from './versions.ts';

const NO_VALUE_FOR = "Secrets Manager can't find the specified secret value for ";

/**
 * What GetSecretValue needs to find a value, as the read cache holds it (ciphertext and rows that are not
 * secret): the secret row, its labels, the version rows read so far, and its tags once a policy needed them.
 */
interface CachedSecret {
  secret: SecretRow;
  stages: Map<string, string>;
  versions: Map<string, VersionRow>;
  tags?: Tag[];
}

export function createSecretReads(deps: SecretServiceDeps, access: SecretAccess, sync: ReplicaSync) {
  const { store, cache, keys, values, now, authorizer } = deps;

  /** The secret a read names, through the request's view of the read cache. */
  function cachedSecret(view: ReadView, owner: Scope, secretId: string, onMissing: () => void): Promise<CachedSecret> {
    return view.row(['secret', owner.accountId, owner.region, secretId], async () => {
      const secret = await findSecret(store.db, owner, secretId, onMissing);
      return { secret, stages: await db.getStages(store.db, secret.id), versions: new Map<string, VersionRow>() };
    });
  }

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

  /**
   * Records the read, once a day at most per secret and version (LastAccessedDate is a day). Best effort: the
   * date is metadata, so a write lock that another process holds past the busy timeout (SQLite) leaves it
   * for the next read to record, rather than failing a read the caller may make.
   */
  async function touch(secret: SecretRow, version: VersionRow): Promise<void> {
    const day = startOfDay(now());
    if (secret.last_accessed_at === day && version.last_accessed_at === day) return;
    try {
      await store.db.transaction().execute(async (tx) => {
        if (secret.last_accessed_at !== day) await db.touchSecretAccess(tx, secret.id, day);
        if (version.last_accessed_at !== day) await db.touchVersionAccess(tx, secret.id, version.version_id, day);
      });
    } catch (err) {
      if (!isBusy(err)) throw err;
    }
  }

  /** The value a read names; the secret, its version and its key's row through the request's view. */
  async function valueOf(view: ReadView, scope: RequestScope, authz: RequestAccess, secretId: string, versionId?: string, stage?: string): Promise<GetSecretValueResponse> {
    const owner = secretScope(scope, secretId);
    const context = {
      ...(versionId !== undefined ? { 'secretsmanager:VersionId': versionId } : {}),
      ...(stage !== undefined ? { 'secretsmanager:VersionStage': stage } : {}),
    };
    const entry = await cachedSecret(view, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, 'GetSecretValue', context));
    const { secret, stages } = entry;
    await access.requireOnSecret(authz, store.db, secret, 'GetSecretValue', context, async () => (entry.tags ??= await db.getTags(store.db, secret.id)));
    requireNotDeleted(secret);
    const version = await readVersion(entry, versionId, stage);
    const key = version.kms_key_id === null ? undefined : await keys.keyForRead(view, owner, version.kms_key_id);
    await access.requireKms(authz, owner, key, 'kms:Decrypt', store.db);
    const opened = await values.readValue(view, owner, secret.id, version);
    // The response's own copy (the text of a string value, a copy of a binary one); the opened bytes are wiped.
    const value = opened.kind === 'string' ? { SecretString: opened.bytes.toString('utf8') } : { SecretBinary: Buffer.from(opened.bytes) };
    opened.bytes.fill(0);
    await touch(secret, version);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.version_id,
      ...value,
      VersionStages: stagesOf(stages, version.version_id),
      CreatedDate: new Date(version.created_at),
    };
  }

  /** The request's view of the read cache: authentication's, else one of its own (internal calls, dev mode). */
  async function viewOf(scope: RequestScope): Promise<ReadView> {
    return scope.caller?.view ?? cache.view();
  }

  async function getSecretValue(scope: RequestScope, input: GetSecretValueRequest): Promise<GetSecretValueResponse> {
    const view = await viewOf(scope);
    return valueOf(view, scope, await authorizer.forRequest(scope), input.SecretId!, input.VersionId, input.VersionStage);
  }

  /**
   * BatchGetSecretValue needs secretsmanager:BatchGetSecretValue, and GetSecretValue on each secret: a secret
   * the caller may not read is reported in Errors (AccessDeniedException), as AWS does. With Filters, the
   * listing shows only the secrets the caller may list (ListSecrets, see secret-listing.ts).
   */
  async function batchGetSecretValue(scope: RequestScope, input: BatchGetSecretValueRequest, listNames: ListNames): Promise<BatchGetSecretValueResponse> {
    const view = await viewOf(scope);
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
        SecretValues.push(await valueOf(view, scope, authz, secretId));
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
    const [stages, tags, replication] = await Promise.all([
      db.getStages(store.db, secret.id),
      db.getTags(store.db, secret.id),
      sync.statusOf(store.db, secret.id),
    ]);
    return { ...describe(secret, stages, tags), ...(replication ? { ReplicationStatus: replication } : {}) };
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
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description ? { Description: secret.description } : {}),
    ...(secret.kms_key_id ? { KmsKeyId: secret.kms_key_id } : {}),
    LastChangedDate: toDate(secret.last_changed_at),
    ...(secret.last_accessed_at !== null ? { LastAccessedDate: toDate(secret.last_accessed_at) } : {}),
    ...(secret.deleted_at !== null ? { DeletedDate: toDate(secret.deletion_date) } : {}),
    ...(secret.tagged ? { Tags: tags } : {}),
    // AWS omits the map (rather than answering `{}`) while the secret has no version.
    ...(stages.size > 0 ? { VersionIdsToStages: Object.fromEntries(stagesByVersion(stages)) } : {}),
    ...(secret.owning_service ? { OwningService: secret.owning_service } : {}),
    CreatedDate: toDate(secret.created_at),
    ...(secret.primary_region ? { PrimaryRegion: secret.primary_region } : {}),
  };
}
