// Secrets Manager operations on the wire: each implemented operation name mapped to its service method,
// with the caller's account and region, and the caller, as the scope. No rules here. Operations of the model that are
// missing from this table answer NotImplementedException (see protocol/pipeline.ts).
import type { Handler } from '../../protocol/pipeline.ts';
import type { RequestScope } from '../../access/authorizer.ts';
import type { SecretService } from './secret-service.ts';

type Method = (scope: RequestScope, input: never) => Promise<unknown>;

export function secretsManagerHandlers(service: SecretService): Record<string, Handler> {
  const bind = (method: Method): Handler => (caller, input) =>
    method({ accountId: caller.accountId, region: caller.region, caller }, input as never);
  return {
    CreateSecret: bind(service.createSecret),
    GetSecretValue: bind(service.getSecretValue),
    BatchGetSecretValue: bind(service.batchGetSecretValue),
    PutSecretValue: bind(service.putSecretValue),
    UpdateSecret: bind(service.updateSecret),
    UpdateSecretVersionStage: bind(service.updateSecretVersionStage),
    DescribeSecret: bind(service.describeSecret),
    ListSecrets: bind(service.listSecrets),
    ListSecretVersionIds: bind(service.listSecretVersionIds),
    DeleteSecret: bind(service.deleteSecret),
    RestoreSecret: bind(service.restoreSecret),
    TagResource: bind(service.tagResource),
    UntagResource: bind(service.untagResource),
    GetRandomPassword: bind(service.getRandomPassword),
    PutResourcePolicy: bind(service.putResourcePolicy),
    GetResourcePolicy: bind(service.getResourcePolicy),
    DeleteResourcePolicy: bind(service.deleteResourcePolicy),
    ValidateResourcePolicy: bind(service.validateResourcePolicy),
    ReplicateSecretToRegions: bind(service.replicateSecretToRegions),
    RemoveRegionsFromReplication: bind(service.removeRegionsFromReplication),
    StopReplicationToReplica: bind(service.stopReplicationToReplica),
  };
}
