// `coffer server --workers 2`: the workers share the port and the store; the primary is the audit chain's
// one writer (audit/cluster-writer.ts). Every call either worker answered is in one chain that verifies,
// including the last batches the workers hand over while shutting down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { openStore } from '../../src/store/db.ts';
import { createAuditTrail } from '../../src/audit/audit-trail.ts';
import { createEventIds } from '../../src/audit/event-id.ts';
import { readCredentials } from '../support/test-server.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';

describe('coffer server --workers 2 (SQLite)', () => {
  let dataDir: string;
  let server: ServerProcess;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coffer-workers-'));
    server = await spawnServer({ dataDir, args: ['--workers', '2'] });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('calls answered by both workers end up in one verified audit chain, the last batches included', async () => {
    const credentials = readCredentials(join(dataDir, 'credentials'));
    // Separate clients open separate connections, which the primary hands to the workers in turn.
    const clients = Array.from({ length: 6 }, () => new SecretsManagerClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 }));
    try {
      await clients[0].send(new CreateSecretCommand({ Name: 'workers/audited', SecretString: 'value-4f1c' }));
      const reads = await Promise.all(
        Array.from({ length: 60 }, (_, i) => clients[i % clients.length].send(new GetSecretValueCommand({ SecretId: 'workers/audited' }))),
      );
      assert.ok(reads.every((r) => r.SecretString === 'value-4f1c'));
    } finally {
      clients.forEach((c) => c.destroy());
    }
    // The reads are batched (written within a second or at shutdown): stop, then read the store itself.
    await server.stop();
    assert.doesNotMatch(server.output(), /audit write failed/);

    const store = await openStore({ kind: 'sqlite', path: join(dataDir, 'coffer.db') });
    try {
      const trail = createAuditTrail({ store, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: () => {} } });
      const verification = await trail.verify();
      assert.equal(verification.valid, true, JSON.stringify(verification.problem));
      const counts = await store.db
        .selectFrom('audit_events')
        .select(['event_name', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('event_name')
        .execute();
      const byName = Object.fromEntries(counts.map((c) => [c.event_name, Number(c.n)]));
      assert.equal(byName.CreateSecret, 1);
      assert.equal(byName.GetSecretValue, 60);
    } finally {
      await store.close();
    }
  });
});
