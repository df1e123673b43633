// KMS operations on the wire (TrentService.<Operation>): each implemented operation name mapped to its
// service method, with the caller's account, region and ARN as the scope. No rules here. A key that cannot
// be used becomes the KMS error AWS answers with. Operations of the model missing from this table answer
// NotImplementedException (see protocol/pipeline.ts).
import type { Handler } from '../../protocol/pipeline.ts';
import { asKmsError } from './kms-errors.ts';
import type { KmsScope, KmsService } from './kms-service.ts';

type Method = (scope: KmsScope, input: never) => Promise<unknown>;

export function kmsHandlers(service: KmsService): Record<string, Handler> {
  const bind = (method: Method): Handler => async (caller, input) => {
    try {
      return await method({ accountId: caller.accountId, region: caller.region, principalArn: caller.arn }, input as never);
    } catch (err) {
      throw asKmsError(err);
    }
  };
  return {
    CreateKey: bind(service.createKey),
    DescribeKey: bind(service.describeKey),
    ListKeys: bind(service.listKeys),
    EnableKey: bind(service.enableKey),
    DisableKey: bind(service.disableKey),
    ScheduleKeyDeletion: bind(service.scheduleKeyDeletion),
    CancelKeyDeletion: bind(service.cancelKeyDeletion),
    UpdateKeyDescription: bind(service.updateKeyDescription),
    TagResource: bind(service.tagResource),
    UntagResource: bind(service.untagResource),
    ListResourceTags: bind(service.listResourceTags),
    CreateAlias: bind(service.createAlias),
    UpdateAlias: bind(service.updateAlias),
    DeleteAlias: bind(service.deleteAlias),
    ListAliases: bind(service.listAliases),
    Encrypt: bind(service.encrypt),
    Decrypt: bind(service.decrypt),
    ReEncrypt: bind(service.reEncrypt),
    GenerateDataKey: bind(service.generateDataKey),
    GenerateDataKeyWithoutPlaintext: bind(service.generateDataKeyWithoutPlaintext),
    GenerateRandom: bind(service.generateRandom),
    EnableKeyRotation: bind(service.enableKeyRotation),
    DisableKeyRotation: bind(service.disableKeyRotation),
    GetKeyRotationStatus: bind(service.getKeyRotationStatus),
    RotateKeyOnDemand: bind(service.rotateKeyOnDemand),
    ListKeyRotations: bind(service.listKeyRotations),
  };
}
