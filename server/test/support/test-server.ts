// Starts a real Coffer server on port 0 for API tests: SQLite in a temporary data directory by default,
// PostgreSQL when a database URL is given, or dev mode (in memory); over HTTPS when given a certificate.
// Clients get the admin credential (and trust the test CA).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { KMSClient } from '@aws-sdk/client-kms';
import { createApp, loadConfig, type App } from '../../src/index.ts';
import type { AppOptions } from '../../src/app.ts';

export interface TestServer {
  app: App;
  endpoint: string;
  dataDir: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** over HTTPS: the CA its clients trust */
  ca?: string;
  /** A Secrets Manager client signed with the admin credential (override region or credentials as needed). */
  client(options?: ClientOptions): SecretsManagerClient;
  /** A KMS client, signed and set up as client()'s. */
  kmsClient(options?: ClientOptions): KMSClient;
  close(): Promise<void>;
}

interface ClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface TestServerOptions {
  dev?: boolean;
  databaseUrl?: string;
  accountId?: string;
  now?: () => number;
  dataDir?: string;
  /** receives the server's error log (default: the server's log) */
  logger?: AppOptions['logger'];
  /** the server's log (default: warnings and errors only, as JSON on stdout, so that request lines do not fill test output) */
  log?: AppOptions['log'];
  /** rotation engine settings (e.g. a short backoff) */
  rotation?: AppOptions['rotation'];
  /** environment settings the config reads (e.g. COFFER_ROTATION_COMMANDS) */
  env?: NodeJS.ProcessEnv;
  /** serve HTTPS with this certificate; the clients trust `caPem` */
  tls?: { certFile: string; keyFile: string; caPem: string };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'coffer-test-'));
  const config = loadConfig(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      dev: options.dev ?? false,
      databaseUrl: options.databaseUrl,
      accountId: options.accountId,
      tlsCert: options.tls?.certFile,
      tlsKey: options.tls?.keyFile,
      logLevel: 'warn',
    },
    options.env ?? {},
  );
  const app = await createApp(config, { now: options.now, log: options.log, logger: options.logger, rotation: options.rotation });
  const { url } = await app.listen();
  const credentials = options.dev ? { accessKeyId: 'test', secretAccessKey: 'test' } : readCredentials(join(dataDir, 'credentials'));
  const region = 'us-east-1';
  const clients: Array<SecretsManagerClient | KMSClient> = [];
  const clientConfig = (o: ClientOptions) => ({
    endpoint: url,
    region: o.region ?? region,
    credentials: o.credentials ?? credentials,
    maxAttempts: 1,
    ...(options.tls ? { requestHandler: { httpsAgent: { ca: options.tls.caPem } } } : {}),
  });
  return {
    app,
    endpoint: url,
    dataDir,
    region,
    credentials,
    ca: options.tls?.caPem,
    client(o = {}) {
      const c = new SecretsManagerClient(clientConfig(o));
      clients.push(c);
      return c;
    },
    kmsClient(o = {}) {
      const c = new KMSClient(clientConfig(o));
      clients.push(c);
      return c;
    },
    async close() {
      clients.forEach((c) => c.destroy());
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function readCredentials(path: string): { accessKeyId: string; secretAccessKey: string } {
  const text = readFileSync(path, 'utf8');
  const id = /aws_access_key_id\s*=\s*(\S+)/.exec(text)?.[1];
  const secret = /aws_secret_access_key\s*=\s*(\S+)/.exec(text)?.[1];
  if (!id || !secret) throw new Error(`no credentials in ${path}`);
  return { accessKeyId: id, secretAccessKey: secret };
}
