// RotateSecret and CancelRotateSecret on the wire, DescribeSecret and ListSecrets with the rotation fields added
// to the secret service's answer (in AWS's field order), composed with the Secrets Manager handlers in app.ts;
// and the admin API's rotation operations (functions, GetRotationStatus).
import type { DescribeSecretResponse, ListSecretsResponse } from '@aws-sdk/client-secrets-manager';
import type { Handler } from '../protocol/pipeline.ts';
import type { RequestScope } from '../access/authorizer.ts';
import type { Rotation } from './index.ts';

export function rotationHandlers(rotation: Rotation, secretsManager: Record<string, Handler>): Record<string, Handler> {
  const scopeOf = (caller: Parameters<Handler>[0]): RequestScope => ({ accountId: caller.accountId, region: caller.region, caller });
  const describe = secretsManager.DescribeSecret;
  const list = secretsManager.ListSecrets;
  return {
    RotateSecret: (caller, input) => rotation.rotateSecret(scopeOf(caller), input as never),
    CancelRotateSecret: (caller, input) => rotation.cancelRotateSecret(scopeOf(caller), input as never),
    DescribeSecret: async (caller, input) => {
      const base = (await describe(caller, input)) as DescribeSecretResponse;
      return withRotation(base, await rotation.fieldsOf(base.ARN!));
    },
    // Each entry of ListSecrets is DescribeSecret's view of the secret: the same rotation fields.
    ListSecrets: async (caller, input) => {
      const base = (await list(caller, input)) as ListSecretsResponse;
      const entries = base.SecretList ?? [];
      const fields = await rotation.fieldsOfMany(entries.map((e) => e.ARN!));
      return { ...base, SecretList: entries.map((e) => withRotation(e, fields.get(e.ARN!) ?? {})) };
    },
  };
}

/** The admin API's rotation operations (models/coffer-admin.json), with the caller as the scope. */
export function rotationAdminHandlers(rotation: Rotation): Record<string, Handler> {
  const bind = <I>(method: (scope: RequestScope, input: I) => Promise<unknown>): Handler => (caller, input) =>
    method({ accountId: caller.accountId, region: caller.region, caller }, input as I);
  const { admin } = rotation;
  return {
    CreateFunction: bind(admin.createFunction),
    ListFunctions: bind(admin.listFunctions),
    GetFunction: bind(admin.getFunction),
    DeleteFunction: bind(admin.deleteFunction),
    InvokeFunction: bind(admin.invokeFunction),
    GetRotationStatus: bind(admin.getRotationStatus),
    PutRotationDriftCheck: bind(admin.putRotationDriftCheck),
    CheckRotationDrift: bind(admin.checkRotationDrift),
    RollbackRotation: bind(admin.rollbackRotation),
    PutRotationRetirement: bind(admin.putRotationRetirement),
    GetSecretConsumers: bind(admin.getSecretConsumers),
  };
}

type SecretView = Pick<DescribeSecretResponse, 'ARN' | 'Name' | 'Description' | 'KmsKeyId'>;

function withRotation<T extends SecretView>(base: T, rotation: Partial<DescribeSecretResponse>): T {
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
  } as T;
}
