// KMS operations on the wire (TrentService.<Operation>): each implemented operation name mapped to its
// service method, with the caller's account, region and ARN as the scope. No rules here. A key that cannot
// be used becomes the KMS error AWS answers with. Operations of the model missing from this table answer
// NotImplementedException (see protocol/pipeline.ts).
import type { Handler } from '../../protocol/pipeline.ts';
import type { Authorizer } from '../../access/authorizer.ts';
import { asKmsError } from './kms-errors.ts';
import type { KmsScope, KmsService } from './kms-service.ts';

type Method = (scope: KmsScope, input: never) => Promise<unknown>;

/** Every operation is authorized first (kms-authorization.ts), then run. */
export function kmsHandlers(service: KmsService, authorizer: Authorizer): Record<string, Handler> {
  const bind = (operation: string, method: Method): Handler => async (caller, input) => {
    try {
      const access = await authorizer.forRequest({ accountId: caller.accountId, region: caller.region, caller });
      const scope = { accountId: caller.accountId, region: caller.region, principalArn: caller.arn, access };
      await service.authorize(access, scope, operation, input);
      return await method(scope, input as never);
    } catch (err) {
      throw asKmsError(err);
    }
  };
  const methods: Record<string, Method> = {
    CreateKey: service.createKey,
    DescribeKey: service.describeKey,
    ListKeys: service.listKeys,
    EnableKey: service.enableKey,
    DisableKey: service.disableKey,
    ScheduleKeyDeletion: service.scheduleKeyDeletion,
    CancelKeyDeletion: service.cancelKeyDeletion,
    UpdateKeyDescription: service.updateKeyDescription,
    TagResource: service.tagResource,
    UntagResource: service.untagResource,
    ListResourceTags: service.listResourceTags,
    CreateAlias: service.createAlias,
    UpdateAlias: service.updateAlias,
    DeleteAlias: service.deleteAlias,
    ListAliases: service.listAliases,
    Encrypt: service.encrypt,
    Decrypt: service.decrypt,
    ReEncrypt: service.reEncrypt,
    GenerateDataKey: service.generateDataKey,
    GenerateDataKeyWithoutPlaintext: service.generateDataKeyWithoutPlaintext,
    GenerateRandom: service.generateRandom,
    EnableKeyRotation: service.enableKeyRotation,
    DisableKeyRotation: service.disableKeyRotation,
    GetKeyRotationStatus: service.getKeyRotationStatus,
    RotateKeyOnDemand: service.rotateKeyOnDemand,
    ListKeyRotations: service.listKeyRotations,
    GetKeyPolicy: service.getKeyPolicy,
    PutKeyPolicy: service.putKeyPolicy,
    ListKeyPolicies: service.listKeyPolicies,
    CreateGrant: service.createGrant,
    ListGrants: service.listGrants,
    ListRetirableGrants: service.listRetirableGrants,
    RetireGrant: service.retireGrant,
    RevokeGrant: service.revokeGrant,
  };
  return Object.fromEntries(Object.entries(methods).map(([name, method]) => [name, bind(name, method)]));
}
