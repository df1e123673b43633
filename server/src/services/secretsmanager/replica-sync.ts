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
import type { Scope, SecretRow, Tag, VersionRow } from './secret-store.ts';
import { asEncryptionFailure, type SecretValue } from './value-crypto.ts';

export const REPLICA_WRITE = "Operation not permitted on a replica secret. Call must be made in primary secret's region.";
export const IN_SYNC = 'InSync';
export const IN_PROGRESS = 'InProgress';
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

/** What a replica is made equal to: a primary's state, its values opened only for the versions copied. */
export interface ReplicaSource {
  name: string;
  /** the primary's ARN: the replica's ends in the same suffix */
  arn: string;
  primaryRegion: string;
  description: string | null;
  lastChangedAt: number;
  tagged: number;
  owningService: string | null;
  resourcePolicy: string | null;
  versions: Array<{ versionId: string; createdAt: number; hasValue: boolean }>;
  stages: Map<string, string>;
  tags: Tag[];
  /** a version's value; the caller wipes it */
  valueOf(versionId: string): Promise<SecretValue>;
}

/** The replica row written: its id and scope, its row when it exists, the primary's change number (peers). */
export interface ReplicaTarget {
  id: string;
  scope: Scope;
  existing?: SecretRow;
  seq?: number;
}

/** `onPeerChange`: a committed write left a region served by another deployment behind. */
export function createReplicaSync(deps: SecretServiceDeps, onPeerChange: () => void = () => {}) {
  const { keys, values, store } = deps;
  /** Events of replicas written in a transaction, told once it commits (dropped with it on a rollback). */
  const pending = new WeakMap<Tx, ReplicationEvent[]>();
  /** Transactions that left a peer region behind: the pusher is woken once they commit. */
  const peerChanged = new WeakSet<Tx>();

  /**
   * Every write of the service runs here: a transaction whose replication events are told after the commit,
   * so the audit trail never records a replica write that was rolled back.
   */
  async function transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let events: ReplicationEvent[] = [];
    let peers = false;
    const result = await store.db.transaction().execute(async (tx) => {
      events = [];
      pending.set(tx, events);
      const out = await work(tx);
      peers = peerChanged.has(tx);
      return out;
    });
    for (const event of events) deps.onReplication?.(event);
    if (peers) onPeerChange();
    return result;
  }

  /** Records what replication did to the replica of `primary` in `region` (told after the commit). */
  function note(tx: Tx, primary: SecretRow, region: string, failure?: string): void {
    noteEvent(tx, eventOf(primary, region, failure));
  }

  /** An event told once `tx` commits (a replica written here for a primary in another deployment). */
  function noteEvent(tx: Tx, event: ReplicationEvent): void {
    pending.get(tx)?.push(event);
  }

  /** The audit event of what replication did to the replica of `primary` in `region`. */
  function eventOf(primary: SecretRow, region: string, failure?: string): ReplicationEvent {
    return {
      accountId: primary.account_id,
      region,
      eventName: failure === undefined ? 'ReplicationSucceeded' : 'ReplicationFailed',
      resourceArn: replicaArn(primary, region),
      details: { PrimarySecretId: primary.arn, Region: region, ...(failure !== undefined ? { StatusMessage: failure } : {}) },
    };
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
   * Makes the replica row `target.id` (in `target.scope`; `existing` when it is already written) equal to
   * `source`: description, tags, resource policy, every version (same ids and creation dates, values sealed
   * again under the replica's key) and the labels. A version is copied once (a rotation's empty AWSPENDING
   * placeholder again once it has its value), so only those values are opened. Every KMS step runs before the
   * first write (and before `beforeWrite`), so a failure leaves the transaction unwritten.
   */
  async function writeReplica(tx: Tx, source: ReplicaSource, target: ReplicaTarget, kmsKeyId: string | null, beforeWrite?: () => Promise<void>): Promise<void> {
    const key = await replicaKey(tx, target.scope, kmsKeyId);
    const had = target.existing ? await db.listVersions(tx, target.id) : [];
    const present = new Map(had.map((v) => [v.version_id, v]));
    const sealed = new Map<string, SealedRow>();
    for (const meta of source.versions) {
      const mine = present.get(meta.versionId);
      if (mine && (mine.value_kind !== null || !meta.hasValue)) continue;
      if (!meta.hasValue) {
        sealed.set(meta.versionId, { kms_key_id: null, wrapped_key: null, ciphertext: null, value_kind: null });
        continue;
      }
      const value = await source.valueOf(meta.versionId);
      try {
        sealed.set(meta.versionId, values.encrypt(target.scope, key, target.id, meta.versionId, value));
      } finally {
        value.bytes.fill(0);
      }
    }

    await beforeWrite?.();
    const row = {
      description: source.description,
      kms_key_id: storedKeyId(kmsKeyId ?? undefined, key),
      last_changed_at: source.lastChangedAt,
      tagged: source.tagged,
      owning_service: source.owningService,
      primary_region: source.primaryRegion,
      resource_policy: source.resourcePolicy,
      ...(target.seq !== undefined ? { replica_seq: target.seq } : {}),
    };
    if (target.existing) {
      await db.updateSecret(tx, target.id, row);
    } else {
      await db.insertSecret(tx, {
        ...row,
        id: target.id,
        account_id: target.scope.accountId,
        region: target.scope.region,
        name: source.name,
        arn: buildSecretArn(target.scope, source.name, source.arn.slice(-SUFFIX_LENGTH)),
        created_at: deps.now(),
        last_accessed_at: null,
        deleted_at: null,
        deletion_date: null,
        rotation_token_hash: null,
      });
    }
    for (const meta of source.versions) {
      const row = sealed.get(meta.versionId);
      if (!row) continue;
      if (present.has(meta.versionId)) await db.updateVersion(tx, target.id, meta.versionId, row);
      else await db.insertVersion(tx, { secret_id: target.id, version_id: meta.versionId, created_at: meta.createdAt, last_accessed_at: null, ...row });
    }
    const kept = new Set(source.versions.map((v) => v.versionId));
    await db.deleteVersions(tx, target.id, had.map((v) => v.version_id).filter((id) => !kept.has(id)));
    await db.replaceStages(tx, target.id, source.stages);
    await db.replaceTags(tx, target.id, source.tags);
  }

  /** A primary of this store as a replica's source: its rows, values opened from it on demand. */
  async function sourceOf(executor: Executor, primary: SecretRow): Promise<ReplicaSource> {
    const primaryScope = { accountId: primary.account_id, region: primary.region };
    const [versions, stages, tags] = await Promise.all([db.listVersions(executor, primary.id), db.getStages(executor, primary.id), db.getTags(executor, primary.id)]);
    return {
      name: primary.name,
      arn: primary.arn,
      primaryRegion: primary.region,
      description: primary.description,
      lastChangedAt: primary.last_changed_at,
      tagged: primary.tagged,
      owningService: primary.owning_service,
      resourcePolicy: primary.resource_policy,
      versions: versions.map((v) => ({ versionId: v.version_id, createdAt: v.created_at, hasValue: v.value_kind !== null })),
      stages,
      tags,
      valueOf: async (versionId) => values.decrypt(primaryScope, primary.id, (await db.findVersion(executor, primary.id, versionId))!, executor),
    };
  }

  /** Makes the replica `replica` of `primary` in this store equal to it (see writeReplica). */
  async function mirror(
    tx: Tx,
    primary: SecretRow,
    replica: { id: string; region: string; existing?: SecretRow },
    kmsKeyId: string | null,
    beforeWrite?: () => Promise<void>,
  ): Promise<void> {
    const target = { id: replica.id, scope: { accountId: primary.account_id, region: replica.region }, existing: replica.existing };
    await writeReplica(tx, await sourceOf(tx, primary), target, kmsKeyId, beforeWrite);
  }

  /**
   * After a write of `secretId`: every in-sync replica gets the primary's new state. A replica whose key can no
   * longer be used is marked Failed (with KMS's reason) and left as it was; the primary's write stands.
   */
  async function propagate(tx: Tx, secretId: string): Promise<void> {
    // Regions served by another deployment are behind until the pusher (peer-pusher.ts) has sent this change.
    if ((await replicas.bumpPeerChanges(tx, secretId)) > 0) peerChanged.add(tx);
    const entries = (await replicas.listReplicaEntries(tx, secretId)).filter((e) => e.peer === 0 && e.status === IN_SYNC && e.replica_id !== null);
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

  return { transaction, note, noteEvent, eventOf, mirror, writeReplica, sourceOf, propagate, statusOf, markPeerChanged: (tx: Tx) => peerChanged.add(tx) };
}

export type ReplicaSync = ReturnType<typeof createReplicaSync>;
