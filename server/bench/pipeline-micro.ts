// `npm run bench:pipeline [N]`: CPU time per GetSecretValue through the API pipeline in-process (SigV4,
// authorization, the service, encoding, the audit event and its write), without HTTP: the part of the
// request's cost that is Coffer's own. Three rounds of N calls (default 20,000) over 100 secrets, SQLite.
// BENCH_AS=user signs as an IAM user whose identity policy is evaluated on every call (as in `npm run bench`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../test/support/test-server.ts';
import { signWithSmithy } from '../src/auth/sigv4/test-signer.ts';
import type { SignedRequest } from '../src/auth/sigv4/index.ts';
import { benchUser, createBenchSecrets } from './bench-secrets.ts';

const N = Number(process.argv[2] ?? 20000);
const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-micro-'));
const server = await startTestServer({ dataDir });
try {
  const client = server.client();
  const requests: SignedRequest[] = [];
  const url = new URL(server.endpoint);
  const host = url.host;
  const credentials = process.env.BENCH_AS === 'user' ? await benchUser(server.endpoint, Number(url.port), server.credentials) : server.credentials;
  for (const name of await createBenchSecrets(client, 100)) {
    const body = JSON.stringify({ SecretId: name });
    requests.push(
      await signWithSmithy({
        credentials,
        region: 'us-east-1',
        service: 'secretsmanager',
        signingDate: new Date(),
        headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue', 'user-agent': 'aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2 api/secrets-manager#3.700.0' },
        body,
      }),
    );
  }
  for (let round = 0; round < 3; round++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const res = await server.app.api(requests[i % requests.length], `req-${i}`, { sourceIp: '127.0.0.1' });
      if (res.status !== 200) throw new Error(`GetSecretValue failed: ${res.body}`);
    }
    await server.app.audit.flush();
    const t = process.cpuUsage(t0);
    console.log(`round ${round}: ${((t.user + t.system) / N).toFixed(1)} µs CPU per GetSecretValue (pipeline and audit write, no HTTP)`);
  }
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
