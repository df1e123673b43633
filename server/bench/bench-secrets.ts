// What the GetSecretValue benchmarks share: the secrets they read, and requests signed as an SDK signs them.
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { smithySigner } from '../src/auth/sigv4/test-signer.ts';

/** A database credential of the usual size. */
const BENCH_VALUE = JSON.stringify({ username: 'bench', password: 'x'.repeat(32), host: 'db.internal', port: 5432 });

/** Creates bench/secret-0 ... bench/secret-<count - 1>; returns their names. */
export async function createBenchSecrets(client: SecretsManagerClient, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `bench/secret-${i}`;
    await client.send(new CreateSecretCommand({ Name: name, SecretString: BENCH_VALUE }));
    names.push(name);
  }
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
