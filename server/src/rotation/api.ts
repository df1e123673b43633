// RotateSecret and CancelRotateSecret on the wire, and DescribeSecret with the rotation fields added to the
// secret service's answer (in AWS's field order). Composed with the Secrets Manager handlers in app.ts.
import type { DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import type { Handler } from '../protocol/pipeline.ts';
import type { RequestScope } from '../services/admin/authorizer.ts';
import type { Rotation } from './index.ts';

export function rotationHandlers(rotation: Rotation, secretsManager: Record<string, Handler>): Record<string, Handler> {
  const scopeOf = (caller: Parameters<Handler>[0]): RequestScope => ({ accountId: caller.accountId, region: caller.region, caller });
  const describe = secretsManager.DescribeSecret;
  return {
    RotateSecret: (caller, input) => rotation.rotateSecret(scopeOf(caller), input as never),
    CancelRotateSecret: (caller, input) => rotation.cancelRotateSecret(scopeOf(caller), input as never),
    DescribeSecret: async (caller, input) => {
      const base = (await describe(caller, input)) as DescribeSecretResponse;
      return withRotation(base, await rotation.fieldsOf(base.ARN!));
    },
  };
}

function withRotation(base: DescribeSecretResponse, rotation: Partial<DescribeSecretResponse>): DescribeSecretResponse {
  if (Object.keys(rotation).length === 0) return base;
  const { ARN, Name, Description, KmsKeyId, ...rest } = base;
  const { NextRotationDate, ...head } = rotation;
  return {
    ARN,
    Name,
    ...(Description !== undefined ? { Description } : {}),
    ...(KmsKeyId !== undefined ? { KmsKeyId } : {}),
    ...head,
    ...rest,
    ...(NextRotationDate ? { NextRotationDate } : {}),
  };
}
