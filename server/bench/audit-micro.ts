// `npm run bench:audit [N]`: CPU time per audit event on SQLite, in-process: building the CloudTrail event
// (record) and appending it to the hash chain (write), three rounds of N events (default 30,000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync, randomUUID } from 'node:crypto';
import { openStore } from '../src/store/db.ts';
import { createAuditTrail } from '../src/audit/audit-trail.ts';
import { createEventIds } from '../src/audit/event-id.ts';

const dir = mkdtempSync(join(tmpdir(), 'audit-micro-'));
const store = await openStore({ kind: 'sqlite', path: join(dir, 'db.sqlite') });
const trail = createAuditTrail({ store, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: console.error } });
const caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAEXAMPLEEXAMPLE12', region: 'us-east-1', sourceIp: '127.0.0.1', userAgent: 'aws-sdk-js/3.700.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2 api/secrets-manager#3.700.0' };
const N = Number(process.argv[2] ?? 30000);
for (let round = 0; round < 3; round++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    trail.sink.record({ requestId: randomUUID(), service: 'secretsmanager', operation: 'GetSecretValue', caller, sourceIp: '127.0.0.1', userAgent: caller.userAgent, request: { SecretId: `bench/secret-${i % 100}` } } as any);
    if (i % 1000 === 999) await trail.flush();
  }
  const t1 = process.cpuUsage(t0);
  const r0 = process.cpuUsage();
  for (let i = 0; i < N; i++) trail.sink.record({ requestId: randomUUID(), service: 'secretsmanager', operation: 'GetSecretValue', caller, sourceIp: '127.0.0.1', userAgent: caller.userAgent, request: { SecretId: `bench/secret-${i % 100}` } } as any);
  const r1 = process.cpuUsage(r0);
  const w0 = process.cpuUsage();
  await trail.flush();
  const w1 = process.cpuUsage(w0);
  console.log(`  record only ${((r1.user + r1.system) / N).toFixed(1)} µs, write only ${((w1.user + w1.system) / N).toFixed(1)} µs`);
  console.log(`round ${round}: ${((t1.user + t1.system) / N).toFixed(1)} µs CPU per event (record + write)`);
}
await trail.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
