// `npm run bench:http [seconds]`: CPU time per GetSecretValue of one in-process server over HTTP (node:http,
// keep-alive, the pipeline, the service and the audit write), the load coming from a child process (autocannon)
// so that only the server's work is counted. Three rounds (default 5 s each) over 100 secrets, SQLite. Steadier
// than `npm run bench` for comparing changes to the request path: one process, no cluster IPC, no bare server.
// It runs through tsx (as the tests do), whose helpers make every figure higher than the bundled server's:
// compare runs of this bench with each other, not with `npm run bench`.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pino from 'pino';
import { startTestServer } from '../test/support/test-server.ts';
import { smithySigner } from '../src/auth/sigv4/test-signer.ts';
import { createLog } from '../src/observability/log.ts';
import { createBenchSecrets, signedHeaders } from './bench-secrets.ts';

interface LoadJob {
  url: string;
  seconds: number;
  requests: autocannon.Request[];
}

interface LoadResult {
  total: number;
  non2xx: number;
  errors: number;
}

if (process.argv[2] === '--load') {
  // The load generator: one job from the parent, one result back.
  process.once('message', async (job: LoadJob) => {
    const r = await autocannon({ url: job.url, connections: 32, duration: job.seconds, pipelining: 1, requests: job.requests });
    const result: LoadResult = { total: r.requests.average * job.seconds, non2xx: r.non2xx, errors: r.errors + r.timeouts };
    process.send!(result, () => process.exit(0));
  });
} else {
  await main(Number(process.argv[2] ?? 5));
}

async function main(seconds: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'http-micro-'));
  // The request log as a server writes it (info, JSON), to /dev/null: its cost is part of the measure.
  const server = await startTestServer({ dataDir, log: createLog({ level: 'info', format: 'json' }, pino.destination({ dest: '/dev/null', sync: false })) });
  try {
    const client = server.client();
    const port = Number(new URL(server.endpoint).port);
    const signer = smithySigner(server.credentials, 'us-east-1', 'secretsmanager');
    const requests: autocannon.Request[] = [];
    for (const name of await createBenchSecrets(client, 100)) {
      const body = JSON.stringify({ SecretId: name });
      requests.push({ method: 'POST', path: '/', headers: await signedHeaders(signer, port, 'secretsmanager.GetSecretValue', body), body });
    }
    await run({ url: server.endpoint, seconds: 2, requests }); // warm-up (JIT, caches)
    for (let round = 0; round < 3; round++) {
      const t0 = process.cpuUsage();
      const result = await run({ url: server.endpoint, seconds, requests });
      await server.app.audit.flush();
      const t = process.cpuUsage(t0);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`errors during the run: ${JSON.stringify(result)}`);
      console.log(`round ${round}: ${((t.user + t.system) / result.total).toFixed(1)} µs server CPU per GetSecretValue over HTTP (${(result.total / seconds).toFixed(0)} req/s)`);
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function run(job: LoadJob): Promise<LoadResult> {
  const child = fork(fileURLToPath(import.meta.url), ['--load'], { execArgv: ['--import', 'tsx'] });
  child.send(job);
  return new Promise((resolve, reject) => {
    child.once('message', (result: LoadResult) => resolve(result));
    child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
  });
}
