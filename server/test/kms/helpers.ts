// Shared helpers of the KMS suite: a real server with a KMS client and a Secrets Manager client signed
// with the same admin credential, and a clock the test moves.
import { KMSClient, CreateKeyCommand } from '@aws-sdk/client-kms';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/test-server.ts';
import { movableClock, rawRequest } from '../api/helpers.ts';

export { expectAwsError, uniqueName, token, DAY_MS } from '../api/helpers.ts';

export interface KmsTestServer {
  server: TestServer;
  kms: KMSClient;
  sm: SecretsManagerClient;
  clock: ReturnType<typeof movableClock>;
  /** the admin principal, as AccessDenied messages name it */
  principalArn: string;
  /** a KMS client for another region of the same account */
  kmsIn(region: string): KMSClient;
  close(): Promise<void>;
}

export async function startKmsServer(options: Omit<TestServerOptions, 'now'> = {}): Promise<KmsTestServer> {
  // Clients sign with the server's clock, so SigV4 accepts their requests after the clock moves. The SDK
  // keeps the offset in config.systemClockOffset and resets it from each response's (real-time) Date
  // header, so it is set again before every request.
  const follow = <C extends KMSClient | SecretsManagerClient>(c: C): C => {
    const stack = c.middlewareStack as unknown as {
      add(m: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, o: { step: 'initialize' }): void;
    };
    stack.add((next) => (args) => {
      c.config.systemClockOffset = clock.offset();
      return next(args);
    }, { step: 'initialize' });
    return c;
  };
  const clock = movableClock();
  const server = await startTestServer({ ...options, now: clock.now });
  const clients: KMSClient[] = [];
  const sm = follow(server.client());
  const kmsIn = (region: string) => {
    const c = follow(new KMSClient({ endpoint: server.endpoint, region, credentials: server.credentials, maxAttempts: 1 }));
    clients.push(c);
    return c;
  };
  return {
    server,
    kms: kmsIn(server.region),
    sm,
    clock,
    principalArn: `arn:aws:iam::${server.app.accountId}:root`,
    kmsIn,
    async close() {
      clients.forEach((c) => c.destroy());
      await server.close();
    },
  };
}

/** A new customer managed key; returns its id and ARN. */
export async function newKey(kms: KMSClient, description = 'test key'): Promise<{ id: string; arn: string }> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: description }));
  return { id: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

/** Calls the admin API with the given credentials; the JSON answer, or throws with the error type. */
export async function adminCall(t: KmsTestServer, operation: string, input: Record<string, unknown> = {}, credentials = t.server.credentials): Promise<Record<string, unknown>> {
  const res = await rawRequest(t.server.endpoint, JSON.stringify(input), { credentials, target: `CofferAdmin.${operation}`, service: 'coffer' });
  if (res.status !== 200) throw Object.assign(new Error(String(res.json?.Message)), { name: String(res.json?.__type), status: res.status });
  return res.json!;
}
