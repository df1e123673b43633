// Reports what Coffer's Node.js runtime gave the handler (event, context, environment) through the client it
// builds as a Lambda would: as a new version of the secret, labelled PROBE. A callback-style handler, as older
// Lambda code is.
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const NAMES = ['MY_SETTING', 'SECRETS_MANAGER_ENDPOINT', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'LAMBDA_TASK_ROOT', '_HANDLER'];

export function handler(event, context, callback) {
  const seen = {
    event,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    remainingMs: context.getRemainingTimeInMillis(),
    env: Object.fromEntries(NAMES.map((n) => [n, process.env[n]])),
  };
  new SecretsManagerClient({})
    .send(new PutSecretValueCommand({ SecretId: event.SecretId, SecretString: JSON.stringify(seen), VersionStages: ['PROBE'] }))
    .then(() => callback(null), callback);
}
