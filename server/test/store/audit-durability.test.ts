// The audit trail through kill -9: a real `coffer server` takes a stream of concurrent writes (Secrets
// Manager, KMS and admin operations) and reads, and its whole process group (the primary and its worker) is
// killed with SIGKILL at a random moment, then started again on the same store, cycle after cycle. Every
// write that was answered must have its event in the trail, and the chain must verify. Reads may lose their
// last second of events; the test reports how many it saw lost, and how many changes in flight at a kill
// (never answered) were committed without their event. One worker: its events take the same way to the
// primary as with many, and each extra process costs every cycle about a second of CPU to start.
import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import {
  CreateSecretCommand,
  GetRandomPasswordCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { CreateKeyCommand, KMSClient, TagResourceCommand as TagKeyCommand, UpdateKeyDescriptionCommand } from '@aws-sdk/client-kms';
import { openStore, type StoreLocation } from '../../src/store/db.ts';
import { createAuditTrail } from '../../src/audit/audit-trail.ts';
import { createEventIds } from '../../src/audit/event-id.ts';
import { allEvents } from '../../src/audit/audit-store.ts';
import { readStored } from '../../src/audit/stored-event.ts';
import { rawRequest } from '../api/helpers.ts';
import { readCredentials } from '../support/test-server.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';

/** Secret writers running at once (beside a KMS writer, an admin writer and two readers); a cycle's kill comes after 1 to this many answered writes. */
const SECRET_WRITERS = 4;
const MAX_WRITES_BEFORE_KILL = 40;

interface Answered {
  requestId: string;
  operation: string;
}

interface CycleResult {
  writes: Answered[];
  reads: Answered[];
  /** PutSecretValue calls in flight at the kill (never answered): their ClientRequestTokens */
  unanswered: string[];
}

/**
 * One cycle: start the server, run the writers and readers, kill -9 the process group once a random number of
 * writes were answered (while the others are in flight), and wait for it to be gone. Answers that arrive after
 * the signal count as answered: the server sent them before it died.
 */
async function killCycle(cycle: number, spawn: () => Promise<ServerProcess>, dataDir: string): Promise<CycleResult> {
  const server = await spawn();
  const config = { endpoint: server.url, region: 'us-east-1', credentials: readCredentials(join(dataDir, 'credentials')), maxAttempts: 1 };
  // A client each: the writers' calls travel on connections of their own, truly at once.
  const sm = Array.from({ length: SECRET_WRITERS + 1 }, () => new SecretsManagerClient(config));
  const kms = new KMSClient(config);
  const result: CycleResult = { writes: [], reads: [], unanswered: [] };
  const unexpected: string[] = [];
  let killed = false;
  const killAfter = 1 + Math.floor(Math.random() * MAX_WRITES_BEFORE_KILL);
  const killNow = () => {
    if (killed) return;
    killed = true;
    process.kill(-server.pid, 'SIGKILL'); // the primary and its worker at once, synchronously, with calls in flight
  };

  /** Runs calls one after another until the kill; each answer is kept, the first error ends the loop. */
  const loop = async (into: Answered[], call: (n: number) => Promise<Answered>) => {
    for (let n = 0; !killed; n++) {
      try {
        into.push(await call(n));
        if (result.writes.length >= killAfter) killNow();
      } catch (err) {
        if (killed) return;
        unexpected.push(String(err));
        return killNow(); // ends the other loops too: the cycle fails below
      }
    }
  };
  const answered = (operation: string) => (out: { $metadata: { requestId?: string } }) => ({ operation, requestId: out.$metadata.requestId! });

  const secretWriter = (w: number) =>
    loop(result.writes, (n) => {
      const SecretId = `c${cycle}/w${w}`;
      if (n === 0) return sm[w].send(new CreateSecretCommand({ Name: SecretId, SecretString: 'first' })).then(answered('CreateSecret'));
      if (n % 3 === 2) return sm[w].send(new TagResourceCommand({ SecretId, Tags: [{ Key: 'n', Value: String(n) }] })).then(answered('TagResource'));
      if (n % 3 === 0) return sm[w].send(new UpdateSecretCommand({ SecretId, Description: `update ${n}` })).then(answered('UpdateSecret'));
      const token = randomUUID();
      result.unanswered.push(token);
      return sm[w].send(new PutSecretValueCommand({ SecretId, SecretString: `value ${n}`, ClientRequestToken: token })).then((out) => {
        result.unanswered.splice(result.unanswered.indexOf(token), 1);
        return answered('PutSecretValue')(out);
      });
    });
  let keyId = '';
  const keyWriter = () =>
    loop(result.writes, async (n) => {
      if (n === 0) {
        const out = await kms.send(new CreateKeyCommand({}));
        keyId = out.KeyMetadata!.KeyId!;
        return answered('CreateKey')(out);
      }
      if (n % 2) return kms.send(new TagKeyCommand({ KeyId: keyId, Tags: [{ TagKey: 'n', TagValue: String(n) }] })).then(answered('TagResource'));
      return kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: `update ${n}` })).then(answered('UpdateKeyDescription'));
    });
  const adminWriter = () =>
    loop(result.writes, async (n) => {
      const UserName = `c${cycle}-user`;
      const [operation, input] = n === 0 ? ['CreateUser', { UserName }] : ['TagUser', { UserName, Tags: [{ Key: 'n', Value: String(n) }] }];
      const res = await rawRequest(server.url, JSON.stringify(input), { credentials: config.credentials, target: `CofferAdmin.${operation}`, service: 'coffer' });
      if (res.status !== 200) throw new Error(`${operation}: ${res.status} ${res.text}`);
      return { operation, requestId: res.headers.get('x-amzn-requestid')! };
    });
  const reader = () =>
    loop(result.reads, () => sm[SECRET_WRITERS].send(new GetRandomPasswordCommand({ PasswordLength: 16 })).then(answered('GetRandomPassword')));

  await Promise.all([...Array.from({ length: SECRET_WRITERS }, (_, w) => secretWriter(w)), keyWriter(), adminWriter(), reader(), reader()]);
  await server.killHard(); // waits for the primary's exit
  sm.forEach((c) => c.destroy());
  kms.destroy();
  assert.equal(server.child.signalCode, 'SIGKILL');
  assert.deepEqual(unexpected, [], `no call failed before the kill (cycle ${cycle}):\n${server.output()}`);
  return result;
}

/** After the cycles: every answered write has its event, the chain verifies; the rest is reported. */
async function checkTrail(t: TestContext, location: StoreLocation, results: CycleResult[], started: number): Promise<void> {
  const store = await openStore(location);
  try {
    const trail = createAuditTrail({ store, now: Date.now, eventId: createEventIds({ now: Date.now, randomFill: randomFillSync }), logger: { error: () => {} } });
    const verification = await trail.verify();
    assert.equal(verification.valid, true, JSON.stringify(verification.problem));
    const events = new Map<string, string>();
    const tokens = new Set<string>();
    for await (const row of allEvents(store.db)) {
      const { event } = readStored(row);
      events.set(String(event.requestID), event.eventName);
      const token = (event.requestParameters as { ClientRequestToken?: string } | null)?.ClientRequestToken;
      if (token) tokens.add(token);
    }
    const missing = (calls: Answered[]) => calls.filter((c) => events.get(c.requestId) !== c.operation);
    const writes = results.flatMap((r) => r.writes);
    const reads = results.flatMap((r) => r.reads);
    const unanswered = results.flatMap((r) => r.unanswered);
    const committed = unanswered.length === 0 ? [] : await store.db.selectFrom('secret_versions').select('version_id').where('version_id', 'in', unanswered).execute();
    const split = committed.filter((v) => !tokens.has(v.version_id)).length;
    t.diagnostic(
      `${results.length} kills in ${((Date.now() - started) / 1000).toFixed(1)} s: audit events lost of answered writes ${missing(writes).length} of ${writes.length}, ` +
        `of answered reads ${missing(reads).length} of ${reads.length}; PutSecretValue calls in flight at a kill ${unanswered.length}, ` +
        `committed ${committed.length}, of which without their event ${split}`,
    );
    assert.deepEqual(missing(writes), [], 'every answered write has its event');
    assert.equal(verification.eventsChecked, events.size, 'every stored event is in the verified chain');
  } finally {
    await store.close();
  }
}

// Awaited before any test is declared: the file's after() hook would otherwise run once the SQLite suite ends.
const pgSkip = await postgresSkipReason();
const dirs: string[] = [];
const running: ServerProcess[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.killHard()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Cycles of kill -9 on one store (SQLite in the data directory, or this PostgreSQL database): each server starts on what the last one left. */
async function killCycles(t: TestContext, cycles: number, databaseUrl?: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-audit-kill-'));
  dirs.push(dataDir);
  const location: StoreLocation = databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'sqlite', path: join(dataDir, 'coffer.db') };
  const spawn = async () => {
    const server = await spawnServer({ dataDir, args: ['--workers', '1', ...(databaseUrl ? ['--database-url', databaseUrl] : [])], ownProcessGroup: true });
    running.push(server);
    return server;
  };
  const started = Date.now();
  const results: CycleResult[] = [];
  for (let cycle = 0; cycle < cycles; cycle++) results.push(await killCycle(cycle, spawn, dataDir));
  if (location.kind === 'sqlite') {
    const db = new Sqlite(location.path);
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  }
  await checkTrail(t, location, results, started);
}

describe('audit trail through kill -9 of the whole server (SQLite)', () => {
  test('20 kills during concurrent writes: no answered write is missing from the trail, and the chain verifies', async (t) => {
    await killCycles(t, 20);
  });
});

describe('audit trail through kill -9 of the whole server (PostgreSQL)', { skip: pgSkip }, () => {
  test('4 kills during concurrent writes: no answered write is missing from the trail, and the chain verifies', async (t) => {
    const database = await createTestDatabase();
    try {
      await killCycles(t, 4, database.url);
    } finally {
      await database.drop();
    }
  });
});
