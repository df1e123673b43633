// `npm run bench:consumers [N] [ROUNDS]`: the cost of finding a secret's consumers in the audit trail (GetSecretConsumers,
// and with RetireAfterIdle GetRotationStatus and the start of each rotation), which reads every event of the
// window: N GetSecretValue events on SQLite (default 100,000; one in ten of the secret looked up, from five
// principals), then ROUNDS (default 5) lookups over all of them, each timed (wall clock per event examined).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync, randomUUID } from 'node:crypto';
import { openStore } from '../src/store/db.ts';
import { createAuditTrail } from '../src/audit/audit-trail.ts';
import { createEventIds } from '../src/audit/event-id.ts';

const N = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const ACCOUNT = '111122223333';
const ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:bench/db-AbCdEf`;
const OTHER = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:bench/other-GhIjKl`;

const dir = mkdtempSync(join(tmpdir(), 'consumers-bench-'));
const store = await openStore({ kind: 'sqlite', path: join(dir, 'db.sqlite') });
const trail = createAuditTrail({ store, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: console.error } });
const start = Date.now();
for (let i = 0; i < N; i++) {
  const ours = i % 10 === 0;
  const arn = `arn:aws:iam::${ACCOUNT}:user/app-${Math.floor(i / 10) % 5}`;
  trail.sink.record({
    requestId: randomUUID(),
    service: 'secretsmanager',
    operation: 'GetSecretValue',
    caller: { arn, accountId: ACCOUNT, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', region: 'us-east-1' },
    request: ours && i % 20 === 0 ? { SecretId: 'bench/db', VersionStage: 'AWSPREVIOUS' } : { SecretId: ours ? 'bench/db' : 'bench/other' },
    resourceArn: ours ? ARN : OTHER,
  });
  if (i % 1000 === 999) await trail.flush();
}
await trail.flush();
const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const t0 = performance.now();
  const found = await trail.secretReads({ accountId: ACCOUNT, arn: ARN, name: 'bench/db', from: start, splitAt: start });
  const ms = performance.now() - t0;
  times.push((ms * 1000) / found.examined);
  console.log(`round ${round}: ${found.examined} events examined, ${found.reads.length} read buckets, ${ms.toFixed(0)} ms (${((ms * 1000) / found.examined).toFixed(2)} µs per event)`);
}
console.log(`median ${[...times].sort((a, b) => a - b)[Math.floor(times.length / 2)].toFixed(2)} µs per event examined`);
await trail.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
