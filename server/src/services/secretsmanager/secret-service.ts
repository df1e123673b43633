// The Secrets Manager service: one object whose methods are the operations, composed from the parts
// that hold the rules (writes, reads, listing, lifecycle, resource policies) and authorize every call
// (secret-access.ts). Methods take the request scope (the caller's account and region, and the caller) and the
// decoded AWS request and return the AWS response shape. `rotation` is what rotation/ may do to a secret
// (secret-rotation.ts): rotation reaches Secrets Manager only through this object.
import type { GetRandomPasswordRequest, GetRandomPasswordResponse } from '@aws-sdk/client-secrets-manager';
import type { RequestScope } from '../../access/authorizer.ts';
import { generateRandomPassword } from './random-password.ts';
import { createSecretAccess } from './secret-access.ts';
import type { SecretServiceDeps } from './secret-context.ts';
import { createSecretLifecycle } from './secret-lifecycle.ts';
import { createSecretListing } from './secret-listing.ts';
import { createSecretPolicies } from './secret-policies.ts';
import { createSecretReads } from './secret-reads.ts';
import { createSecretRotation } from './secret-rotation.ts';
import { createSecretWatch } from './secret-watch.ts';
import { createSecretWrites } from './secret-writes.ts';
import { createReplicaSync } from './replica-sync.ts';
import { createReplication } from './replication.ts';
import { createPeerPusher, type PeerPusher } from './peer-pusher.ts';
import { createPeerReplicas } from './peer-replica.ts';
import type { BatchGetSecretValueRequest } from '@aws-sdk/client-secrets-manager';

export type SecretService = ReturnType<typeof createSecretService>;
export type { LockedSecret, RotationTarget, SecretRotation } from './secret-rotation.ts';

export function createSecretService(deps: SecretServiceDeps) {
  const access = createSecretAccess(deps.keys);
  // Every write of a primary ends with sync.propagate (replica-sync.ts); replication adds and removes replicas.
  let pusher: PeerPusher | undefined;
  const sync = createReplicaSync(deps, () => pusher?.wake());
  pusher = deps.peers ? createPeerPusher(deps, sync, deps.peers.transport, deps.peers.pusher) : undefined;
  const replication = createReplication(deps, access, sync);
  const writes = createSecretWrites(deps, access, sync, replication);
  const reads = createSecretReads(deps, access, sync);
  const listing = createSecretListing(deps, access);
  const lifecycle = createSecretLifecycle(deps, access, sync);

  return {
    ...writes,
    ...createSecretPolicies(deps, access, sync),
    replicateSecretToRegions: replication.replicateSecretToRegions,
    removeRegionsFromReplication: replication.removeRegionsFromReplication,
    stopReplicationToReplica: replication.stopReplicationToReplica,
    /** The peer side of replication across deployments (admin API PutReplicaSecret). */
    putReplicaSecret: createPeerReplicas(deps, access, sync).putReplicaSecret,
    /** Pushes to peer deployments (none without COFFER_PEERS): one pass by the sweep, stop() on close. */
    peerPusher: pusher,
    getSecretValue: reads.getSecretValue,
    describeSecret: reads.describeSecret,
    listSecretVersionIds: reads.listSecretVersionIds,
    batchGetSecretValue: (scope: RequestScope, input: BatchGetSecretValueRequest) => reads.batchGetSecretValue(scope, input, listing.listArns),
    listSecrets: listing.listSecrets,
    deleteSecret: lifecycle.deleteSecret,
    restoreSecret: lifecycle.restoreSecret,
    tagResource: lifecycle.tagResource,
    untagResource: lifecycle.untagResource,
    purgeExpired: lifecycle.purgeExpired,
    rotation: createSecretRotation(deps, access, sync),
    watchableSecrets: createSecretWatch(deps, access).watchableSecrets,
    async getRandomPassword(scope: RequestScope, input: GetRandomPasswordRequest): Promise<GetRandomPasswordResponse> {
      access.requireOnAccount(await deps.authorizer.forRequest(scope), scope, 'GetRandomPassword');
      const options = {
        passwordLength: input.PasswordLength,
        excludeCharacters: input.ExcludeCharacters,
        excludeNumbers: input.ExcludeNumbers,
        excludePunctuation: input.ExcludePunctuation,
        excludeUppercase: input.ExcludeUppercase,
        excludeLowercase: input.ExcludeLowercase,
        includeSpace: input.IncludeSpace,
        requireEachIncludedType: input.RequireEachIncludedType,
      };
      return { RandomPassword: generateRandomPassword(options, deps.randomInt) };
    },
  };
}
