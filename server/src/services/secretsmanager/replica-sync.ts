// Keeping replicas equal to their primary, inside the primary's write transaction: every write of a primary
// ends with `propagate`, so a reader of a replica sees the primary's state as of the last commit, never a
// part of a change. A replica is an ordinary secret row in its region (same name, the primary's ARN suffix,
// its own id and KMS key), which makes reads of it the ordinary reads. Values are re-encrypted for the
// replica (its own data keys, bound to its own scope and id): the plaintext exists only in memory, between
// the primary's decryption and the replica's encryption, and is wiped at once.
import type { ReplicationStatusType } from '@aws-sdk/client-secrets-manager';
import { AwsError, awsErrors } from '../../errors/aws-errors.ts';
import type { Executor, Tx } from '../../store/db.ts';
import type { KeyRow } from '../kms/key-service.ts';
import { buildSecretArn, SUFFIX_LENGTH } from './arn.ts';
import type { ReplicationEvent, SecretServiceDeps } from './secret-context.ts';
import { storedKeyId } from './stored-key-id.ts';
import * as db from './secret-store.ts';
import * as replicas from './replica-store.ts';
import type { Scope, SecretRow, VersionRow } from './secret-store.ts';
import { asEncryptionFailure } from './value-crypto.ts';

export const REPLICA_WRITE = "Operation not permitted on a replica secret. Call must be made in primary secret's region.";
export const IN_SYNC = 'InSync';
export const FAILED = 'Failed';
export const REPLICATION_SUCCEEDED = 'Replication succeeded';
export const NAME_EXISTS = 'Secret with this name already exists in this region';
const DEFAULT_KEY_ALIAS = 'alias/aws/secretsmanager';

/** A replica: a secret whose primary is in another region (a primary with replicas names its own region). */
export function isReplica(secret: SecretRow): boolean {
  return secret.primary_region !== null && secret.primary_region !== secret.region;
}

/** Writes to a replica go to its primary (AWS answers InvalidParameterException). */
export function requireNotReplica(secret: SecretRow): void {
  if (isReplica(secret)) throw awsErrors.invalidParameter(REPLICA_WRITE);
}

/** The replica's ARN: the primary's, in the replica's region (AWS keeps name and random suffix). */
export function replicaArn(primary: SecretRow, region: string): string {
  return buildSecretArn({ accountId: primary.account_id, region }, primary.name, primary.arn.slice(-SUFFIX_LENGTH));
}

type SealedRow = Pick<VersionRow, 'kms_key_id' | 'wrapped_key' | 'ciphertext' | 'value_kind'>;

export function createReplicaSync(deps: SecretServiceDeps) {
  const { keys, values, store } = deps;
  /** Events of replicas written in a transaction, told once it commits (dropped with it on a rollback). */
  const pending = new WeakMap<Tx, ReplicationEvent[]>();

  /**
   * Every write of the service runs here: a transaction whose replication events are told after the commit,
   * so the audit trail never records a replica write that was rolled back.
   */
  async function transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let events: ReplicationEvent[] = [];
    const result = await store.db.transaction().execute(async (tx) => {
      events = [];
      pending.set(tx, events);
      return work(tx);
    });
    for (const event of events) deps.onReplication?.(event);
    return result;
  }

  /** Records what replication did to the replica of `primary` in `region` (told after the commit). */
  function note(tx: Tx, primary: SecretRow, region: string, failure?: string): void {
    pending.get(tx)?.push({
      accountId: primary.account_id,
      region,
      eventName: failure === undefined ? 'ReplicationSucceeded' : 'ReplicationFailed',
      resourceArn: replicaArn(primary, region),
      details: { PrimarySecretId: primary.arn, Region: region, ...(failure !== undefined ? { StatusMessage: failure } : {}) },
    });
  }

  /** The replica region's key, held for the transaction (a KMS failure is EncryptionFailure). */
  async function replicaKey(tx: Tx, scope: Scope, kmsKeyId: string | null): Promise<KeyRow> {
    try {
      return await keys.lockForUse(tx, scope, await keys.resolve(scope, kmsKeyId ?? undefined, tx));
    } catch (err) {
      throw asEncryptionFailure(err);
    }
  }

  /**
   * Makes the replica row `replicaId` (in `region`; `existing` when it is already written) equal to the primary:
   * description, tags, resource policy, every version (same ids and creation dates, values re-encrypted) and
   * the labels. Every KMS step runs before the first write (and before `beforeWrite`), so a failure leaves
   * the transaction unwritten.
   */
  async function mirror(
    tx: Tx,
    primary: SecretRow,
    replica: { id: string; region: string; existing?: SecretRow },
    kmsKeyId: string | null,
    beforeWrite?: () => Promise<void>,
  ): Promise<void> {
    const primaryScope = { accountId: primary.account_id, region: primary.region };
    const replicaScope = { accountId: primary.account_id, region: replica.region };
    const key = await replicaKey(tx, replicaScope, kmsKeyId);
    const [versions, had, stages, tags] = await Promise.all([
      db.listVersions(tx, primary.id),
      replica.existing ? db.listVersions(tx, replica.id) : Promise.resolve([]),
      db.getStages(tx, primary.id),
      db.getTags(tx, primary.id),
    ]);
    const present = new Map(had.map((v) => [v.version_id, v]));
    const sealed = new Map<string, SealedRow>();
    for (const meta of versions) {
      const mine = present.get(meta.version_id);
      // A version is copied once; a rotation's empty AWSPENDING placeholder again once it has its value.
      if (mine && (mine.value_kind !== null || meta.value_kind === null)) continue;
      const version = (await db.findVersion(tx, primary.id, meta.version_id))!;
      if (!version.ciphertext) {
        sealed.set(meta.version_id, { kms_key_id: null, wrapped_key: null, ciphertext: null, value_kind: null });
        continue;
      }
      const value = await values.decrypt(primaryScope, primary.id, version, tx);
      try {
        sealed.set(meta.version_id, values.encrypt(replicaScope, key, replica.id, meta.version_id, value));
      } finally {
        value.bytes.fill(0);
      }
    }

    await beforeWrite?.();
    const row = {
      description: primary.description,
      kms_key_id: storedKeyId(kmsKeyId ?? undefined, key),
      last_changed_at: primary.last_changed_at,
      tagged: primary.tagged,
      owning_service: primary.owning_service,
      primary_region: primary.region,
      resource_policy: primary.resource_policy,
    };
    if (replica.existing) {
      await db.updateSecret(tx, replica.id, row);
    } else {
      await db.insertSecret(tx, {
        ...row,
        id: replica.id,
        account_id: primary.account_id,
        region: replica.region,
        name: primary.name,
        arn: replicaArn(primary, replica.region),
        created_at: deps.now(),
        last_accessed_at: null,
        deleted_at: null,
        deletion_date: null,
        rotation_token_hash: null,
      });
    }
    for (const meta of versions) {
      const row = sealed.get(meta.version_id);
      if (!row) continue;
      if (present.has(meta.version_id)) await db.updateVersion(tx, replica.id, meta.version_id, row);
      else await db.insertVersion(tx, { secret_id: replica.id, version_id: meta.version_id, created_at: meta.created_at, last_accessed_at: null, ...row });
    }
    const kept = new Set(versions.map((v) => v.version_id));
    await db.deleteVersions(tx, replica.id, had.map((v) => v.version_id).filter((id) => !kept.has(id)));
    await db.replaceStages(tx, replica.id, stages);
    await db.replaceTags(tx, replica.id, tags);
  }

  /**
   * After a write of `secretId`: every in-sync replica gets the primary's new state. A replica whose key can no
   * longer be used is marked Failed (with KMS's reason) and left as it was; the primary's write stands.
   */
  async function propagate(tx: Tx, secretId: string): Promise<void> {
    const entries = (await replicas.listReplicaEntries(tx, secretId)).filter((e) => e.status === IN_SYNC && e.replica_id !== null);
    if (entries.length === 0) return;
    const primary = await db.findSecretById(tx, secretId);
    if (!primary) return;
    for (const entry of entries) {
      const existing = await db.findSecretById(tx, entry.replica_id!, store.forUpdate);
      if (!existing) continue;
      try {
        await mirror(tx, primary, { id: existing.id, region: entry.region, existing }, entry.kms_key_id);
        note(tx, primary, entry.region);
      } catch (err) {
        if (!(err instanceof AwsError) || err.fault) throw err;
        await replicas.updateReplicaEntry(tx, primary.id, entry.region, { status: FAILED, status_message: err.message });
        note(tx, primary, entry.region, err.message);
      }
    }
  }

  /** The primary's ReplicationStatus (undefined when it replicates nowhere). */
  async function statusOf(executor: Executor, primaryId: string): Promise<ReplicationStatusType[] | undefined> {
    const entries = await replicas.listReplicaEntries(executor, primaryId);
    if (entries.length === 0) return undefined;
    return entries.map((e) => ({
      Region: e.region,
      KmsKeyId: e.kms_key_id ?? DEFAULT_KEY_ALIAS,
      Status: e.status as ReplicationStatusType['Status'],
      ...(e.status_message !== null ? { StatusMessage: e.status_message } : {}),
      ...(e.replica_last_accessed_at !== null ? { LastAccessedDate: new Date(e.replica_last_accessed_at) } : {}),
    }));
  }

  return { transaction, note, mirror, propagate, statusOf };
}

export type ReplicaSync = ReturnType<typeof createReplicaSync>;
