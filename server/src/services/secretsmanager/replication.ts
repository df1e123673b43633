// Replication inside one deployment: ReplicateSecretToRegions (and CreateSecret's AddReplicaRegions),
// RemoveRegionsFromReplication, StopReplicationToReplica. A region is the account's namespace in the same
// store, so a replica is written in the same transaction as the request that adds it and kept equal by every
// later write of the primary (replica-sync.ts): a replica is InSync or Failed, never InProgress.
import type {
  RemoveRegionsFromReplicationRequest,
  RemoveRegionsFromReplicationResponse,
  ReplicaRegionType,
  ReplicateSecretToRegionsRequest,
  ReplicateSecretToRegionsResponse,
  StopReplicationToReplicaRequest,
  StopReplicationToReplicaResponse,
} from '@aws-sdk/client-secrets-manager';
import { AwsError, awsErrors } from '../../errors/aws-errors.ts';
import { isUniqueViolation, type Tx } from '../../store/db.ts';
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import type { KeyRow } from '../kms/key-service.ts';
import { secretScope } from './arn.ts';
import type { SecretAccess } from './secret-access.ts';
import type { SecretServiceDeps } from './secret-context.ts';
import { findSecret, requireNotDeleted } from './secret-lookup.ts';
import * as db from './secret-store.ts';
import * as replicas from './replica-store.ts';
import type { Scope, SecretRow } from './secret-store.ts';
import { FAILED, IN_PROGRESS, IN_SYNC, isReplica, NAME_EXISTS, REPLICATION_SUCCEEDED, requireNotReplica, type ReplicaSync } from './replica-sync.ts';
import { asDecryptionFailure } from './value-crypto.ts';

/** A request's replica regions, checked: each once, none the primary's own. */
export function checkReplicaRegions(primaryRegion: string, regions: ReplicaRegionType[]): Array<{ region: string; kmsKeyId: string | null }> {
  const seen = new Set<string>();
  return regions.map((r, i) => {
    // The model leaves Region optional; a replica needs one.
    if (r.Region === undefined) throw awsErrors.invalidParameter(`Replica region ${i + 1} of the request has no Region.`);
    if (r.Region === primaryRegion) throw awsErrors.invalidParameter(`Invalid replica region ${r.Region}: it is the primary secret's own Region.`);
    if (seen.has(r.Region)) throw awsErrors.invalidParameter(`Duplicate replica region ${r.Region}: name each Region once.`);
    seen.add(r.Region);
    return { region: r.Region, kmsKeyId: r.KmsKeyId === undefined || r.KmsKeyId === '' ? null : r.KmsKeyId };
  });
}

export type ReplicaRegions = ReturnType<typeof checkReplicaRegions>;

export function createReplication(deps: SecretServiceDeps, access: SecretAccess, sync: ReplicaSync) {
  const { store, keys, authorizer, now } = deps;

  /**
   * Before the transaction: each region's aws/secretsmanager key exists (it is created outside any transaction)
   * and the caller may use the replica keys (kms:GenerateDataKey and kms:Encrypt, as AWS requires). A key that
   * does not resolve is left for `addRegions`, which fails that region.
   */
  async function prepareRegions(authz: RequestAccess, accountId: string, regions: ReplicaRegions): Promise<void> {
    for (const { region, kmsKeyId } of regions) {
      // A peer region's keys are the peer's: it checks them when the replica arrives.
      if (deps.peers?.transport.regions.has(region)) continue;
      const scope = { accountId, region };
      await keys.defaultSecretsKey(scope);
      let key: KeyRow;
      try {
        key = await keys.resolve(scope, kmsKeyId ?? undefined);
      } catch {
        continue;
      }
      await access.requireKms(authz, scope, key, 'kms:GenerateDataKey', store.db);
      await access.requireKms(authz, scope, key, 'kms:Encrypt', store.db);
    }
  }

  /**
   * Adds replicas of `primary` (locked, authorized) in `regions`. A region where a secret of that name exists
   * fails (AWS's StatusMessage) unless `force` replaces it; so does a region whose key cannot be used.
   */
  async function addRegions(tx: Tx, primary: SecretRow, regions: ReplicaRegions, force: boolean): Promise<void> {
    const earlier = await replicas.listReplicaEntries(tx, primary.id);
    let next = Math.max(0, ...earlier.map((e) => e.position + 1));
    for (const { region, kmsKeyId } of regions) {
      const scope = { accountId: primary.account_id, region };
      // A failed region tried again keeps its place in ReplicationStatus.
      const before = earlier.find((e) => e.region === region);
      const entry = { primary_id: primary.id, region, kms_key_id: kmsKeyId, created_at: before?.created_at ?? now(), position: before?.position ?? next++ };
      // A failed region keeps the replica it had (if any), as it was.
      const failed = async (message: string, kept: string | null = null) => {
        await replicas.upsertReplicaEntry(tx, { ...entry, status: FAILED, status_message: message, replica_id: kept });
        sync.note(tx, primary, region, message);
      };
      if (deps.peers?.transport.regions.has(region)) {
        // Served by another deployment: behind (InProgress) until the pusher has sent it (peer-pusher.ts).
        await replicas.upsertReplicaEntry(tx, { ...entry, status: IN_PROGRESS, status_message: null, replica_id: null, peer: 1, change_seq: now(), pushed_state_at: null });
        sync.markPeerChanged(tx);
        continue;
      }
      const taken = await db.findSecretByName(tx, scope, primary.name, store.forUpdate);
      // This region's own replica, left behind when a later write failed there: it is written afresh.
      const own = taken !== undefined && before?.replica_id === taken.id;
      if (taken && !own) {
        // Replacing a secret that is itself part of a replication would leave its partners dangling.
        const linked = isReplica(taken) || (await replicas.listReplicaEntries(tx, taken.id)).length > 0;
        if (!force || linked) {
          await failed(NAME_EXISTS);
          continue;
        }
      }
      const replicaId = deps.randomUUID();
      try {
        // The secret there goes once the copy is sealed, just before it is written (names are unique per region).
        await sync.mirror(tx, primary, { id: replicaId, region }, kmsKeyId, taken && (() => db.deleteSecret(tx, taken.id)));
      } catch (err) {
        if (!(err instanceof AwsError) || err.fault) throw err;
        await failed(err.message, own ? taken.id : null);
        continue;
      }
      await replicas.upsertReplicaEntry(tx, { ...entry, status: IN_SYNC, status_message: REPLICATION_SUCCEEDED, replica_id: replicaId });
      sync.note(tx, primary, region);
    }
    if (primary.primary_region !== primary.region) await db.updateSecret(tx, primary.id, { primary_region: primary.region });
  }

  /** The primary a request names, locked and authorized for `operation`; not a replica, not deleted. */
  async function primaryOf(tx: Tx, authz: RequestAccess, owner: Scope, secretId: string, operation: 'ReplicateSecretToRegions' | 'RemoveRegionsFromReplication', context?: Record<string, string | string[]>) {
    const secret = await findSecret(tx, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, operation, context), store.forUpdate);
    await access.requireOnSecret(authz, tx, secret, operation, context);
    requireNotReplica(secret);
    requireNotDeleted(secret);
    return secret;
  }

  async function replicateSecretToRegions(scope: RequestScope, input: ReplicateSecretToRegionsRequest): Promise<ReplicateSecretToRegionsResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const force = input.ForceOverwriteReplicaSecret === true;
    const context = {
      'secretsmanager:AddReplicaRegions': (input.AddReplicaRegions ?? []).map((r) => r.Region ?? ''),
      'secretsmanager:ForceOverwriteReplicaSecret': String(force),
    };
    const regions = checkReplicaRegions(owner.region, input.AddReplicaRegions!);
    // Everything that can refuse the request is checked before the keys of new regions are created.
    const checked = await sync.transaction(async (tx) => {
      const primary = await primaryOf(tx, authz, owner, input.SecretId!, 'ReplicateSecretToRegions', context);
      await requireAddable(tx, primary, regions);
      await access.requireKms(authz, owner, await primaryKey(tx, primary), 'kms:Decrypt', tx);
      return primary;
    });
    await prepareRegions(authz, owner.accountId, regions);
    try {
      return await sync.transaction(async (tx) => {
        const primary = await primaryOf(tx, authz, owner, input.SecretId!, 'ReplicateSecretToRegions', context);
        if (primary.id !== checked.id) throw awsErrors.notFound("Secrets Manager can't find the specified secret.");
        await requireAddable(tx, primary, regions);
        await addRegions(tx, primary, regions, force);
        return { ARN: primary.arn, ReplicationStatus: await sync.statusOf(tx, primary.id) };
      });
    } catch (err) {
      // A secret of that name created in a target region by a request running at the same time.
      if (isUniqueViolation(err)) throw awsErrors.invalidRequest(`A secret named ${checked.name} was created in a target Region while the replicas were written: try again.`);
      throw err;
    }
  }

  /** The primary's key, for the caller's kms:Decrypt check (reading the values to copy). */
  async function primaryKey(tx: Tx, primary: SecretRow): Promise<KeyRow | undefined> {
    try {
      return await keys.resolve({ accountId: primary.account_id, region: primary.region }, primary.kms_key_id ?? undefined, tx);
    } catch (err) {
      throw asDecryptionFailure(err);
    }
  }

  /** A region already replicated (InSync, or InProgress to a peer) is refused; a Failed one is tried again. */
  async function requireAddable(tx: Tx, primary: SecretRow, regions: ReplicaRegions): Promise<void> {
    const entries = new Map((await replicas.listReplicaEntries(tx, primary.id)).map((e) => [e.region, e]));
    for (const { region } of regions) {
      const status = entries.get(region)?.status;
      if (status === IN_SYNC || status === IN_PROGRESS) throw awsErrors.invalidParameter(`The secret is already replicated to Region ${region}.`);
    }
  }

  async function removeRegionsFromReplication(scope: RequestScope, input: RemoveRegionsFromReplicationRequest): Promise<RemoveRegionsFromReplicationResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    return sync.transaction(async (tx) => {
      const primary = await primaryOf(tx, authz, owner, input.SecretId!, 'RemoveRegionsFromReplication');
      const entries = new Map((await replicas.listReplicaEntries(tx, primary.id)).map((e) => [e.region, e]));
      const remove = [...new Set(input.RemoveReplicaRegions!)];
      for (const region of remove) {
        if (!entries.has(region)) throw awsErrors.invalidParameter(`The secret is not replicated to Region ${region}.`);
      }
      for (const region of remove) {
        const replicaId = entries.get(region)!.replica_id;
        if (replicaId !== null) await db.deleteSecret(tx, replicaId);
        await replicas.deleteReplicaEntry(tx, primary.id, region);
      }
      const status = await sync.statusOf(tx, primary.id);
      if (!status) await db.updateSecret(tx, primary.id, { primary_region: null });
      return { ARN: primary.arn, ReplicationStatus: status ?? [] };
    });
  }

  /**
   * UpdateSecret of a replica's KMS key (the one write AWS allows on a replica; the caller re-seals the labelled
   * versions as for any secret): the primary's entry for the region names the new key, so what is replicated
   * later is sealed under it and ReplicationStatus shows it. A replica whose primary is in another deployment
   * takes its key from that primary's pushes, so there the key is changed from the primary.
   */
  async function takeReplicaKey(tx: Tx, replica: SecretRow, kmsKeyId: string): Promise<void> {
    const entry = await replicas.findEntryOfReplica(tx, replica.id);
    if (!entry) {
      throw awsErrors.invalidRequest(
        `The primary of replica ${replica.name} is in another deployment, whose pushes name the replica's key: change it there (RemoveRegionsFromReplication, then ReplicateSecretToRegions with the new KmsKeyId).`,
      );
    }
    await replicas.updateReplicaEntry(tx, entry.primary_id, entry.region, { kms_key_id: kmsKeyId });
  }

  /** Called in the replica's region: the replica becomes a standalone secret, the primary forgets it. */
  async function stopReplicationToReplica(scope: RequestScope, input: StopReplicationToReplicaRequest): Promise<StopReplicationToReplicaResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    return sync.transaction(async (tx) => {
      const replica = await findSecret(tx, owner, input.SecretId!, () => access.requireOnMissing(authz, owner, input.SecretId!, 'StopReplicationToReplica'), store.forUpdate);
      await access.requireOnSecret(authz, tx, replica, 'StopReplicationToReplica');
      if (!isReplica(replica)) {
        throw awsErrors.invalidRequest(`The secret ${replica.name} is not a replica: call StopReplicationToReplica in a replica's Region, with the replica's name or ARN.`);
      }
      const entry = await replicas.findEntryOfReplica(tx, replica.id);
      await db.updateSecret(tx, replica.id, { primary_region: null });
      if (entry) {
        await replicas.deleteReplicaEntry(tx, entry.primary_id, entry.region);
        if (!(await sync.statusOf(tx, entry.primary_id))) await db.updateSecret(tx, entry.primary_id, { primary_region: null });
      }
      return { ARN: replica.arn };
    });
  }

  return { prepareRegions, addRegions, replicateSecretToRegions, removeRegionsFromReplication, stopReplicationToReplica, takeReplicaKey };
}

export type Replication = ReturnType<typeof createReplication>;
