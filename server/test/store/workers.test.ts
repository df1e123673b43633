// `coffer server --workers 2`: the workers share the port and the store; the primary is the audit chain's
// one writer (audit/cluster-writer.ts). Every call either worker answered is in one chain that verifies,
// including the last batches the workers hand over while shutting down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { openStore } from '../../src/store/db.ts';
import { createAuditTrail } from '../../src/audit/audit-trail.ts';
import { createEventIds } from '../../src/audit/event-id.ts';
import { allEvents } from '../../src/audit/audit-store.ts';
import { readCredentials } from '../support/test-server.ts';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { COFFER_BIN, spawnServer, type ServerProcess } from './server-process.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';

/** A `--workers 2` server in a data directory of its own, for the tests of the enclosing describe. */
function workersServer() {
  const t = {} as { dataDir: string; server: ServerProcess };
  before(async () => {
    t.dataDir = mkdtempSync(join(tmpdir(), 'coffer-workers-'));
    t.server = await spawnServer({ dataDir: t.dataDir, args: ['--workers', '2'] });
  });
  after(async () => {
    await t.server?.stop();
    rmSync(t.dataDir, { recursive: true, force: true });
  });
  return t;
}

describe('coffer server --workers 2 (SQLite)', () => {
  const t = workersServer();

  test('calls answered by both workers end up in one verified audit chain, the last batches included', async () => {
    const credentials = readCredentials(join(t.dataDir, 'credentials'));
    // Separate clients open separate connections, which the primary hands to the workers in turn.
    const clients = Array.from({ length: 6 }, () => new SecretsManagerClient({ endpoint: t.server.url, region: 'us-east-1', credentials, maxAttempts: 1 }));
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
    await t.server.stop();
    assert.doesNotMatch(t.server.output(), /audit write failed/);

    const store = await openStore({ kind: 'sqlite', path: join(t.dataDir, 'coffer.db') });
    try {
      const trail = createAuditTrail({ store, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: () => {} } });
      const verification = await trail.verify();
      assert.equal(verification.valid, true, JSON.stringify(verification.problem));
      const byName: Record<string, number> = {};
      for await (const event of allEvents(store.db)) byName[event.event_name] = (byName[event.event_name] ?? 0) + 1;
      assert.equal(byName.CreateSecret, 1);
      assert.equal(byName.GetSecretValue, 60);
    } finally {
      await store.close();
    }
  });
});

/**
 * Read-your-writes: each write is acknowledged through `writer`, and right after it every reader (separate
 * connections, so other worker processes or other servers, whose caches hold the secret from the reads before)
 * sees it: a new value, a moved label, a deletion.
 */
async function readsSeeEveryWrite(writer: SecretsManagerClient, readers: SecretsManagerClient[], name: string): Promise<void> {
  const readAll = (input: { VersionStage?: string } = {}) =>
    Promise.allSettled(readers.map((r) => r.send(new GetSecretValueCommand({ SecretId: name, ...input }))));
  const values = (results: Awaited<ReturnType<typeof readAll>>) =>
    results.map((r) => (r.status === 'fulfilled' ? r.value.SecretString : (r.reason as Error).name));
  await writer.send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
  for (let i = 1; i <= 8; i++) {
    assert.deepEqual(values(await readAll()), readers.map(() => `v${i - 1}`), 'the caches are warm with the value before');
    await writer.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}` }));
    assert.deepEqual(values(await readAll()), readers.map(() => `v${i}`), `every reader sees write ${i} at once`);
  }
  const previous = await writer.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
  const current = await writer.send(new GetSecretValueCommand({ SecretId: name }));
  await writer.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: previous.VersionId, RemoveFromVersionId: current.VersionId }));
  assert.deepEqual(values(await readAll()), readers.map(() => 'v7'), 'a moved label is seen at once');
  await writer.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
  assert.deepEqual(values(await readAll()), readers.map(() => 'InvalidRequestException'), 'a deletion is seen at once');
}

describe('coffer server --workers 2: read-your-writes across workers (SQLite)', () => {
  const t = workersServer();

  test('a write answered by one worker is seen by the next read on any worker', async () => {
    const readers = Array.from({ length: 6 }, () => t.server.client());
    await readsSeeEveryWrite(t.server.client(), readers, 'workers/read-your-writes');
  });
});

const pgSkip = await postgresSkipReason();

describe('two servers on one PostgreSQL database: read-your-writes across servers', { skip: pgSkip }, () => {
  const t = {} as { dataDir: string; servers: ServerProcess[]; drop(): Promise<void> };
  before(async () => {
    const database = await createTestDatabase();
    t.drop = database.drop;
    // One data directory: the servers share its root key file (the second starts once the first wrote it).
    t.dataDir = mkdtempSync(join(tmpdir(), 'coffer-servers-'));
    t.servers = [];
    for (let i = 0; i < 2; i++) t.servers.push(await spawnServer({ dataDir: t.dataDir, args: ['--database-url', database.url] }));
  });
  after(async () => {
    await Promise.all((t.servers ?? []).map((s) => s.stop()));
    await t.drop?.();
    rmSync(t.dataDir, { recursive: true, force: true });
  });

  test('a write answered by one server is seen by the next read on the other', async () => {
    const readers = t.servers.flatMap((s) => [s.client(), s.client()]);
    await readsSeeEveryWrite(t.servers[0].client(), readers, 'servers/read-your-writes');
    await readsSeeEveryWrite(t.servers[1].client(), readers, 'servers/read-your-writes-2');
  });
});

describe('coffer server --workers 2: key state across workers', () => {
  const t = workersServer();

  // Each worker keeps the data keys it unwrapped; a DisableKey answered by one worker must stop the reads on
  // the other at once, and EnableKey bring them back.
  test('a key disabled through one worker stops reads the other worker would answer with a kept data key', async () => {
    const credentials = readCredentials(join(t.dataDir, 'credentials'));
    const config = { endpoint: t.server.url, region: 'us-east-1', credentials, maxAttempts: 1 };
    const clients = Array.from({ length: 6 }, () => new SecretsManagerClient(config));
    const kms = new KMSClient(config);
    const readAll = () =>
      Promise.allSettled(Array.from({ length: 24 }, (_, i) => clients[i % clients.length].send(new GetSecretValueCommand({ SecretId: 'workers/keyed' }))));
    try {
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
      await clients[0].send(new CreateSecretCommand({ Name: 'workers/keyed', SecretString: 'value-9a2e', KmsKeyId: KeyMetadata!.KeyId }));
      const before = await readAll();
      assert.ok(before.every((r) => r.status === 'fulfilled' && r.value.SecretString === 'value-9a2e'));

      await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata!.KeyId }));
      const disabled = await readAll();
      assert.deepEqual(
        [...new Set(disabled.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'served')))],
        ['DecryptionFailure'],
      );

      await kms.send(new EnableKeyCommand({ KeyId: KeyMetadata!.KeyId }));
      const enabled = await readAll();
      assert.ok(enabled.every((r) => r.status === 'fulfilled' && r.value.SecretString === 'value-9a2e'));
    } finally {
      clients.forEach((c) => c.destroy());
      kms.destroy();
    }
  });
});

test('a worker that cannot start (its port is taken) stops the server with the reason, instead of being restarted forever', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-workers-'));
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COFFER_')));
    const child = spawn(process.execPath, [COFFER_BIN, 'server', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server neither listened nor stopped within 30 s:\n${output}`));
      }, 30_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 1, output);
    assert.match(output, /EADDRINUSE/);
    assert.match(output, /before it was listening; stopping/);
    assert.doesNotMatch(output, /starting another/);
  } finally {
    taken.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
