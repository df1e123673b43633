// `npm run bench:audit [N] [ROUNDS]`: CPU time per GetSecretValue audit event on SQLite, on both sides of the
// --workers split, as the server runs it: a forked worker builds the events and sends its batches to the
// primary over cluster IPC (V8 serialisation, as main.ts sets up); the primary receives them, chains and
// inserts them. ROUNDS rounds (default 5) of N events (default 20,000), each side's process.cpuUsage per event.
import cluster from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync, randomUUID } from 'node:crypto';
import { openStore } from '../src/store/db.ts';
import { createAuditTrail } from '../src/audit/audit-trail.ts';
import { primaryAppender, serveWorkerAppends } from '../src/audit/cluster-writer.ts';
import { createEventIds } from '../src/audit/event-id.ts';
import type { AuditRecord } from '../src/protocol/pipeline.ts';

const N = Number(process.argv[2] ?? 20000);
const ROUNDS = Number(process.argv[3] ?? 5);
const cpu = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

interface BenchMessage {
  kind: 'bench-ready' | 'bench-round-done';
  workerMicros?: number;
}

if (cluster.isPrimary) {
  const dir = mkdtempSync(join(tmpdir(), 'audit-micro-'));
  const path = join(dir, 'db.sqlite');
  const store = await openStore({ kind: 'sqlite', path });
  const writer = createAuditTrail({ store, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: console.error } });
  serveWorkerAppends((batch) => writer.writePacked(batch));
  // The young generation main.ts gives the server's workers.
  cluster.setupPrimary({ serialization: 'advanced', args: [String(N), String(ROUNDS)], execArgv: [...process.execArgv, '--max-semi-space-size=32'] });
  const worker = cluster.fork({ AUDIT_MICRO_DB: path });
  // The worker's own messages; its audit batches go to serveWorkerAppends.
  const next = (kind: BenchMessage['kind']) =>
    new Promise<BenchMessage>((resolve) => {
      const listener = (message: BenchMessage) => {
        if (message?.kind !== kind) return;
        worker.off('message', listener);
        resolve(message);
      };
      worker.on('message', listener);
    });
  await next('bench-ready');
  const workerSide: number[] = [];
  const primarySide: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = process.cpuUsage();
    worker.send({ kind: 'bench-round' });
    const workerMicros = (await next('bench-round-done')).workerMicros!;
    const primaryMicros = cpu(t0);
    workerSide.push(workerMicros / N);
    primarySide.push(primaryMicros / N);
    console.log(`round ${round}: worker ${(workerMicros / N).toFixed(1)} µs + primary ${(primaryMicros / N).toFixed(1)} µs = ${((workerMicros + primaryMicros) / N).toFixed(1)} µs CPU per event`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const w = median(workerSide);
  const p = median(primarySide);
  console.log(`median: worker (build + send) ${w.toFixed(1)} µs, primary (receive + chain + insert) ${p.toFixed(1)} µs, total ${(w + p).toFixed(1)} µs per event`);
  await new Promise((resolve) => {
    worker.once('exit', resolve);
    worker.disconnect();
  });
  const verification = await writer.verify();
  if (!verification.valid || verification.eventsChecked !== N * ROUNDS) throw new Error(`the chain does not verify: ${JSON.stringify(verification)}`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
} else {
  const store = await openStore({ kind: 'sqlite', path: process.env.AUDIT_MICRO_DB! });
  const trail: ReturnType<typeof createAuditTrail> = createAuditTrail({
    store,
    now: Date.now,
    eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }),
    logger: { error: console.error },
    append: primaryAppender((batch) => trail.write(batch, true)),
  });
  const caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAEXAMPLEEXAMPLE12', region: 'us-east-1' };
  const userAgent = 'aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2 api/secrets-manager#3.700.0';
  const read = (i: number): AuditRecord => ({
    requestId: randomUUID(),
    service: 'secretsmanager',
    operation: 'GetSecretValue',
    caller,
    sourceIp: '127.0.0.1',
    userAgent,
    request: { SecretId: `bench/secret-${i % 100}` },
    response: () => ({ SecretString: '***' }),
  });
  process.on('message', async (message: { kind?: string }) => {
    if (message?.kind !== 'bench-round') return;
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      trail.sink.record(read(i));
      if (i % 1000 === 999) await trail.flush();
    }
    await trail.flush();
    process.send!({ kind: 'bench-round-done', workerMicros: cpu(t0) } satisfies BenchMessage);
  });
  process.send!({ kind: 'bench-ready' } satisfies BenchMessage);
}
