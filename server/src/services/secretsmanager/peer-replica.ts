// The peer side of replication across deployments: PutReplicaSecret (admin API), which a primary in another
// Coffer deployment calls, signed with a principal of this one, to write the whole state of its replica here
// (in the caller's account and the signed region). Values arrive over TLS and are sealed under this
// deployment's keys at once (replica-sync.ts's writeReplica, the same code that writes local replicas).
// Idempotent: versions are matched by id and the labels replaced as a whole, so a push repeated after an
// outage changes nothing twice; a push older than the change the replica holds is ignored. Every answer carries
// the replica's LastAccessedDate (the primary shows it in ReplicationStatus); a Probe writes nothing and only asks.
// A push too big for one request comes as Partial requests (versions with their values, no labels) and then the
// whole state with those values omitted, so a label never points at a version the replica lacks.
import { awsErrors } from '../../errors/aws-errors.ts';
import type { RequestScope } from '../../access/authorizer.ts';
import { isUniqueViolation, type Tx } from '../../store/db.ts';
import { parseSecretId, SUFFIX_LENGTH } from './arn.ts';
import type { SecretAccess } from './secret-access.ts';
import type { SecretServiceDeps } from './secret-context.ts';
import * as db from './secret-store.ts';
import * as replicas from './replica-store.ts';
import { isReplica, NAME_EXISTS, type ReplicaSource, type ReplicaSync } from './replica-sync.ts';
import type { SecretValue } from './value-crypto.ts';

/** PutReplicaSecret's input, as the admin model declares it (dates decoded, blobs as bytes). */
export interface PutReplicaSecretInput {
  PrimaryArn: string;
  Change: number;
  KmsKeyId?: string;
  ForceOverwriteReplicaSecret?: boolean;
  Description?: string;
  LastChangedDate?: Date;
  Tagged?: boolean;
  OwningService?: string;
  Tags?: Array<{ Key: string; Value: string }>;
  ResourcePolicy?: string;
  Versions: Array<{ VersionId: string; CreatedDate: Date; SecretString?: string; SecretBinary?: Uint8Array; ValueOmitted?: boolean }>;
  VersionIdsToStages: Array<{ VersionStage: string; VersionId: string }>;
  Probe?: boolean;
  Partial?: boolean;
}

export interface PutReplicaSecretOutput {
  ARN: string;
  Applied: boolean;
  LastAccessedDate?: Date;
}

export function createPeerReplicas(deps: SecretServiceDeps, access: SecretAccess, sync: ReplicaSync) {
  const { store, keys, authorizer } = deps;

  async function putReplicaSecret(scope: RequestScope, input: PutReplicaSecretInput): Promise<PutReplicaSecretOutput> {
    const authz = await authorizer.forRequest(scope);
    const owner = { accountId: scope.accountId, region: scope.region };
    const primary = parseSecretId(input.PrimaryArn);
    if (primary.kind !== 'arn' || primary.nameWithSuffix.length <= SUFFIX_LENGTH + 1) throw awsErrors.invalidParameter('PrimaryArn must be the full ARN of the primary secret.');
    if (primary.region === owner.region) throw awsErrors.invalidParameter(`The primary's Region ${primary.region} is the Region this request is signed for: a replica must be in another Region.`);
    const name = primary.nameWithSuffix.slice(0, -(SUFFIX_LENGTH + 1));
    const suffix = input.PrimaryArn.slice(-SUFFIX_LENGTH);
    const known = new Set(input.Versions.map((v) => v.VersionId));
    if (known.size !== input.Versions.length) throw awsErrors.invalidParameter('Each version may be sent once: a VersionId is repeated in Versions.');
    const missing = input.VersionIdsToStages.find((s) => !known.has(s.VersionId));
    if (missing) throw awsErrors.invalidParameter(`Staging label ${missing.VersionStage} is on version ${missing.VersionId}, which is not among the Versions.`);
    if (input.Partial === true && (input.VersionIdsToStages.length > 0 || input.Versions.some((v) => v.ValueOmitted === true)))
      throw awsErrors.invalidParameter('A Partial push carries versions with their values only: the labels come with the last, whole state.');
    // The region's aws/secretsmanager key is created outside any transaction.
    if (!input.KmsKeyId && input.Probe !== true) await keys.defaultSecretsKey(owner);
    const source: ReplicaSource = {
      name,
      arn: input.PrimaryArn,
      primaryRegion: primary.region,
      description: input.Description ?? null,
      lastChangedAt: input.LastChangedDate?.getTime() ?? deps.now(),
      tagged: input.Tagged ? 1 : 0,
      owningService: input.OwningService ?? null,
      resourcePolicy: input.ResourcePolicy ?? null,
      versions: input.Versions.map((v) => ({ versionId: v.VersionId, createdAt: v.CreatedDate.getTime(), hasValue: v.ValueOmitted === true || v.SecretString !== undefined || v.SecretBinary !== undefined })),
      stages: new Map(input.VersionIdsToStages.map((s) => [s.VersionStage, s.VersionId])),
      tags: input.Tags ?? [],
      valueOf: async (versionId) => valueOf(input.Versions.find((v) => v.VersionId === versionId)!),
    };
    try {
      return await sync.transaction(async (tx) => {
        const taken = await db.findSecretByName(tx, owner, name, store.forUpdate);
        const ownReplica = taken !== undefined && isReplica(taken) && taken.primary_region === primary.region && taken.arn.endsWith(`-${suffix}`);
        if (taken) await access.requireOnSecret(authz, tx, taken, 'ReplicateSecretToRegions');
        else access.requireOnMissing(authz, owner, name, 'ReplicateSecretToRegions');
        if (input.Probe === true) {
          if (!ownReplica) throw awsErrors.notFound(`There is no replica of ${input.PrimaryArn} in Region ${owner.region}.`);
          return answer(taken, false);
        }
        if (ownReplica && (taken.replica_seq ?? 0) > input.Change) return answer(taken, false);
        // A part of a push this replica already holds whole (a late or repeated one) would bring back deleted versions.
        if (input.Partial === true && ownReplica && (taken.replica_seq ?? 0) >= input.Change) return answer(taken, false);
        let replace: (() => Promise<void>) | undefined;
        if (taken && !ownReplica) {
          // Never a secret that is itself part of a replication here (as in one deployment), nor without Force.
          const linked = isReplica(taken) || (await replicas.listReplicaEntries(tx, taken.id)).length > 0;
          if (input.ForceOverwriteReplicaSecret !== true || linked) throw awsErrors.resourceExists(NAME_EXISTS);
          replace = () => db.deleteSecret(tx, taken.id);
        }
        await requireOmittedHeld(tx, input, ownReplica ? taken.id : undefined);
        const id = ownReplica ? taken.id : deps.randomUUID();
        const existing = ownReplica ? taken : undefined;
        // A Partial adds its versions to what the replica holds and keeps its change number, labels and metadata.
        const target = { id, scope: owner, existing, seq: input.Partial === true ? undefined : input.Change };
        const source_written = input.Partial === true ? await withHeld(tx, source, existing) : source;
        await sync.writeReplica(tx, source_written, target, input.KmsKeyId ? input.KmsKeyId : null, replace);
        if (input.Partial === true) return answer((await db.findSecretById(tx, id))!, true);
        const written = (await db.findSecretById(tx, id))!;
        // Audited (and seen by the change feed) here as a replica written in one deployment is.
        sync.noteEvent(tx, {
          accountId: owner.accountId,
          region: owner.region,
          eventName: 'ReplicationSucceeded',
          resourceArn: written.arn,
          details: { PrimarySecretId: input.PrimaryArn, Region: owner.region },
        });
        return answer(written, true);
      });
    } catch (err) {
      // The same replica created by a push running at the same time: the next push finds it.
      if (isUniqueViolation(err)) throw awsErrors.invalidRequest(`A secret named ${name} was created here while the replica was written: try again.`);
      throw err;
    }
  }

  /** Every version sent without its value must be here with one (else the primary sends the values). */
  async function requireOmittedHeld(tx: Tx, input: PutReplicaSecretInput, replicaId: string | undefined): Promise<void> {
    const omitted = input.Versions.filter((v) => v.ValueOmitted === true);
    if (omitted.length === 0) return;
    const held = new Set((replicaId ? await db.listVersions(tx, replicaId) : []).filter((v) => v.value_kind !== null).map((v) => v.version_id));
    const lacking = omitted.find((v) => !held.has(v.VersionId));
    if (lacking) throw awsErrors.notFound(`The replica does not hold version ${lacking.VersionId}: send its value.`);
  }

  /** A Partial's source: the replica as it is (nothing when new, but the metadata sent) plus the versions sent. */
  async function withHeld(tx: Tx, sent: ReplicaSource, replica: db.SecretRow | undefined): Promise<ReplicaSource> {
    if (!replica) return sent;
    const held = await sync.sourceOf(tx, replica);
    const heldIds = new Set(held.versions.map((v) => v.versionId));
    // sourceOf reads a row as a primary: the primary's region and ARN are the ones sent.
    const versions = [...held.versions, ...sent.versions.filter((v) => !heldIds.has(v.versionId))];
    return { ...held, primaryRegion: sent.primaryRegion, arn: sent.arn, versions, valueOf: sent.valueOf };
  }

  function answer(replica: db.SecretRow, applied: boolean): PutReplicaSecretOutput {
    return { ARN: replica.arn, Applied: applied, ...(replica.last_accessed_at !== null ? { LastAccessedDate: new Date(replica.last_accessed_at) } : {}) };
  }

  return { putReplicaSecret };
}

function valueOf(version: { SecretString?: string; SecretBinary?: Uint8Array }): SecretValue {
  // Not reached for a ValueOmitted version: requireOmittedHeld made sure the replica has its value.
  if (version.SecretString !== undefined) return { kind: 'string', bytes: Buffer.from(version.SecretString, 'utf8') };
  return { kind: 'binary', bytes: Buffer.from(version.SecretBinary!) };
}
