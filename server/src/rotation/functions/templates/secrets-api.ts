// The Secrets Manager calls a built-in rotation function makes, with AWS's request and response shapes,
// served in-process by the secret service in the function's account and region (internal calls, as a
// Lambda's execution role in the secret's own account would make them). DescribeSecret includes the
// rotation fields, as the functions check RotationEnabled.
import type {
  DescribeSecretRequest,
  DescribeSecretResponse,
  GetRandomPasswordRequest,
  GetRandomPasswordResponse,
  GetSecretValueRequest,
  GetSecretValueResponse,
  PutSecretValueRequest,
  PutSecretValueResponse,
  UpdateSecretVersionStageRequest,
  UpdateSecretVersionStageResponse,
} from '@aws-sdk/client-secrets-manager';

export interface SecretsApi {
  describeSecret(input: DescribeSecretRequest): Promise<DescribeSecretResponse>;
  getSecretValue(input: GetSecretValueRequest): Promise<GetSecretValueResponse>;
  putSecretValue(input: PutSecretValueRequest): Promise<PutSecretValueResponse>;
  updateSecretVersionStage(input: UpdateSecretVersionStageRequest): Promise<UpdateSecretVersionStageResponse>;
  getRandomPassword(input: GetRandomPasswordRequest): Promise<GetRandomPasswordResponse>;
}
