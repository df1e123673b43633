// Shared helpers of the access-control suite: a real server, the admin API (CofferAdmin.*, AWS JSON 1.1
// signed for the service name `coffer`), and SDK clients signed as the users it creates.
import assert from 'node:assert/strict';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { rawRequest } from '../api/helpers.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../support/test-server.ts';

/** The suites that must hold on both stores run once per backend (PostgreSQL skipped, with the reason, when absent). */
export const BACKENDS: Array<{ name: 'sqlite' | 'postgres'; skip: string | undefined }> = [
  { name: 'sqlite', skip: undefined },
  { name: 'postgres', skip: await postgresSkipReason() },
];

export { expectAwsError, uniqueName, token } from '../api/helpers.ts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export class AdminError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = code;
  }
}

export interface AccessServer {
  server: TestServer;
  accountId: string;
  /** the account root's (admin) credentials */
  root: Credentials;
  admin(operation: string, input?: Record<string, unknown>, credentials?: Credentials): Promise<Record<string, unknown>>;
  /** A user with the given inline policies (name -> document) and one access key. */
  user(name: string, policies?: Record<string, unknown>, options?: { tags?: Array<{ Key: string; Value: string }>; credentials?: Credentials }): Promise<Credentials>;
  sm(credentials: Credentials): SecretsManagerClient;
  kms(credentials: Credentials): KMSClient;
  close(): Promise<void>;
}

export async function startAccessServer(options: TestServerOptions & { backend?: 'sqlite' | 'postgres' } = {}): Promise<AccessServer> {
  const database = options.backend === 'postgres' ? await createTestDatabase() : undefined;
  const server = await startTestServer({ ...options, databaseUrl: database?.url ?? options.databaseUrl });
  const clients: Array<{ destroy(): void }> = [];
  const admin = adminApi(server.endpoint, server.credentials, server.ca);
  return {
    server,
    accountId: server.app.accountId,
    root: server.credentials,
    admin,
    user: (name, policies, o) => createUser(admin, name, policies, o),
    sm: (credentials) => server.client({ credentials }),
    kms(credentials) {
      const tls = server.ca ? { requestHandler: { httpsAgent: { ca: server.ca } } } : {};
      const c = new KMSClient({ endpoint: server.endpoint, region: server.region, credentials, maxAttempts: 1, ...tls });
      clients.push(c);
      return c;
    },
    async close() {
      clients.forEach((c) => c.destroy());
      await server.close();
      await database?.drop();
    },
  };
}

/** The admin API (CofferAdmin.*) of the server at `endpoint`, signed with `root` unless a call says otherwise. */
export function adminApi(endpoint: string, root: Credentials, ca?: string): AccessServer['admin'] {
  return async (operation, input = {}, credentials = root) => {
    const res = await rawRequest(endpoint, JSON.stringify(input), { credentials, target: `CofferAdmin.${operation}`, service: 'coffer', ca });
    if (res.status !== 200) throw new AdminError(String(res.json?.__type), String(res.json?.Message), res.status);
    return res.json ?? {};
  };
}

/** A user with the given inline policies (name -> document) and one access key, made through `admin`. */
export async function createUser(
  admin: AccessServer['admin'],
  name: string,
  policies: Record<string, unknown> = {},
  o: { tags?: Array<{ Key: string; Value: string }>; credentials?: Credentials } = {},
): Promise<Credentials> {
  await admin('CreateUser', { UserName: name, ...(o.tags ? { Tags: o.tags } : {}) }, o.credentials);
  for (const [PolicyName, doc] of Object.entries(policies)) {
    await admin('PutUserPolicy', { UserName: name, PolicyName, PolicyDocument: typeof doc === 'string' ? doc : JSON.stringify(doc) }, o.credentials);
  }
  const { AccessKey } = (await admin('CreateAccessKey', { UserName: name }, o.credentials)) as { AccessKey: Record<string, string> };
  return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
}

/** Awaits an admin call that must fail with `code` (and `message`, exact or a RegExp). */
export async function expectAdminError(call: Promise<unknown>, code: string, message?: string | RegExp): Promise<AdminError> {
  const err = await call.then(
    () => assert.fail(`expected ${code}, but the call succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AdminError, String(err));
  assert.equal(err.code, code, err.message);
  if (typeof message === 'string') assert.equal(err.message, message);
  else if (message) assert.match(err.message, message);
  return err;
}

/** An identity policy document allowing `actions` on `resources`, with optional conditions. */
export function allow(actions: string | string[], resources: string | string[] = '*', condition?: Record<string, unknown>) {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources, ...(condition ? { Condition: condition } : {}) }] };
}

/** Resolves true when the call succeeds, false when it fails with AccessDeniedException; rethrows anything else. */
export async function permitted(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if ((err as Error).name === 'AccessDeniedException') return false;
    throw err;
  }
}
