// A careless handler: its error names the secret's password in plain prose (no `password=` to recognise), as a
// driver's message or a debugging line might. Coffer scrubs the secret's known values from the step's error.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const handler = async (event) => {
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: event.SecretId }));
  const { username, password } = JSON.parse(SecretString);
  throw new Error(`could not log in as ${username} with ${password} at ${event.Step}`);
};
