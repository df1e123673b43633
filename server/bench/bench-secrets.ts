// What the HTTP benchmarks share: the secrets they read and write, and requests signed as an SDK signs them.
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { smithySigner } from '../src/auth/sigv4/test-signer.ts';

/** A database credential of the usual size. */
export const BENCH_VALUE = JSON.stringify({ username: 'bench', password: 'x'.repeat(32), host: 'db.internal', port: 5432 });

/** Creates bench/secret-0 ... bench/secret-<count - 1>, a few at a time; returns their names. */
export async function createBenchSecrets(client: SecretsManagerClient, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `bench/secret-${i}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, count) }, async () => {
      while (next < count) await client.send(new CreateSecretCommand({ Name: names[next++], SecretString: BENCH_VALUE }));
    }),
  );
  return names;
}

/** The headers of a signed AWS JSON 1.1 POST / to the server on 127.0.0.1:`port`. */
export async function signedHeaders(signer: ReturnType<typeof smithySigner>, port: number, target: string, body: string): Promise<Record<string, string>> {
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/',
    headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });
  return signed.headers as Record<string, string>;
}

const LIST = 'secretsmanager:ListSecrets';

/**
 * An IAM user allowed `actions` (default: only GetSecretValue) on the bench secrets from 127.0.0.0/8, and
 * ListSecrets when asked (CofferAdmin API); returns its access key.
 */
export async function benchUser(endpoint: string, port: number, admin: { accessKeyId: string; secretAccessKey: string }, actions = ['secretsmanager:GetSecretValue']) {
  const signer = smithySigner(admin, 'us-east-1', 'coffer');
  const call = async (operation: string, input: Record<string, unknown>) => {
    const body = JSON.stringify(input);
    const res = await fetch(endpoint, { method: 'POST', headers: await signedHeaders(signer, port, `CofferAdmin.${operation}`, body), body });
    if (res.status !== 200) throw new Error(`${operation} failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, any>;
  };
  await call('CreateUser', { UserName: 'bench-reader' });
  const secretActions = actions.filter((a) => a !== LIST);
  const policy = {
    Version: '2012-10-17',
    Statement: [
      ...(secretActions.length > 0 ? [{ Effect: 'Allow', Action: secretActions, Resource: 'arn:aws:secretsmanager:*:*:secret:bench/*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }] : []),
      // ListSecrets names no secret: AWS authorizes it against Resource "*".
      ...(actions.includes(LIST) ? [{ Effect: 'Allow', Action: LIST, Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }] : []),
      { Effect: 'Deny', Action: 'secretsmanager:*', Resource: '*', Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSPREVIOUS' } } },
    ],
  };
  await call('PutUserPolicy', { UserName: 'bench-reader', PolicyName: 'read-bench', PolicyDocument: JSON.stringify(policy) });
  const { AccessKey } = await call('CreateAccessKey', { UserName: 'bench-reader' });
  return { accessKeyId: AccessKey.AccessKeyId as string, secretAccessKey: AccessKey.SecretAccessKey as string };
}
