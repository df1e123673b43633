// Durability: a real `coffer server` process on a data directory is killed with SIGKILL (no shutdown code
// runs) right after its writes are acknowledged, or in the middle of a stream of writes, and restarted on
// the same directory. Every acknowledged write must be there, and every secret must be whole.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { spawnServer, type ServerProcess } from './server-process.ts';

const dirs: string[] = [];
const running: ServerProcess[] = [];
after(async () => {
  await Promise.all(running.map((p) => p.killHard()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<ServerProcess> {
  const p = await spawnServer({ dataDir });
  running.push(p);
  return p;
}

function integrityCheck(dataDir: string): string {
  const db = new Sqlite(join(dataDir, 'coffer.db'));
  try {
    return (db.pragma('integrity_check', { simple: true }) as string);
  } finally {
    db.close();
  }
}

async function stagesOf(client: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  const d = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries(Object.entries(d.VersionIdsToStages ?? {}).map(([k, v]) => [k, [...v].sort()]));
}

describe('durability: kill -9 and restart on the same data directory (SQLite)', () => {
  // The tests run in order on one data directory: the second crashes the server the first restarted.
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-durable-'));
  dirs.push(dataDir);
  let server: ServerProcess;
  let client: SecretsManagerClient;

  test('every write acknowledged just before kill -9 is there after the restart', async () => {
    server = await start(dataDir);
    client = server.client();
    const N = 24;
    const created = Array.from({ length: N }, () => randomUUID());
    const put = Array.from({ length: N }, () => randomUUID());
    const valueOf = (i: number, what: 'created' | 'put') => (i % 3 === 0 ? Buffer.from(`${what}-${i}\u0000\u00ff`, 'latin1') : `${what}-${i}`);
    const body = (v: string | Buffer) => (typeof v === 'string' ? { SecretString: v } : { SecretBinary: v });
    const staged = (i: number) => i % 4 === 0;
    const deleted = (i: number) => i === 1 || i === 2;
    const tagged = (i: number) => i % 5 === 0;

    await Promise.all(created.map((token, i) =>
      client.send(new CreateSecretCommand({ Name: `durable/s${i}`, ClientRequestToken: token, ...body(valueOf(i, 'created')) }))));
    await Promise.all(put.map((token, i) =>
      client.send(new PutSecretValueCommand({ SecretId: `durable/s${i}`, ClientRequestToken: token, ...body(valueOf(i, 'put')), ...(staged(i) ? { VersionStages: ['staged'] } : {}) }))));
    await Promise.all([
      ...created.flatMap((_, i) => (deleted(i) ? [client.send(new DeleteSecretCommand({ SecretId: `durable/s${i}`, RecoveryWindowInDays: 7 }))] : [])),
      ...created.flatMap((_, i) => (tagged(i) ? [client.send(new TagResourceCommand({ SecretId: `durable/s${i}`, Tags: [{ Key: 'tag', Value: `t${i}` }] }))] : [])),
    ]);
    await server.killHard(); // straight after the last acknowledgement
    assert.equal(server.child.signalCode, 'SIGKILL');

    assert.equal(integrityCheck(dataDir), 'ok');
    server = await start(dataDir);
    client = server.client();
    for (let i = 0; i < N; i++) {
      const id = `durable/s${i}`;
      const expectedStages = staged(i)
        ? { [created[i]]: ['AWSCURRENT'], [put[i]]: ['staged'] }
        : { [put[i]]: ['AWSCURRENT'], [created[i]]: ['AWSPREVIOUS'] };
      assert.deepEqual(await stagesOf(client, id), expectedStages, id);
      const d = await client.send(new DescribeSecretCommand({ SecretId: id }));
      assert.equal(d.DeletedDate !== undefined, deleted(i), `${id} deletion`);
      assert.deepEqual(d.Tags, tagged(i) ? [{ Key: 'tag', Value: `t${i}` }] : undefined, `${id} tags`);
      if (deleted(i)) continue;
      for (const [token, what] of [[created[i], 'created'], [put[i], 'put']] as const) {
        const v = await client.send(new GetSecretValueCommand({ SecretId: id, VersionId: token }));
        const expected = valueOf(i, what);
        if (typeof expected === 'string') assert.equal(v.SecretString, expected);
        else assert.deepEqual(Buffer.from(v.SecretBinary!), expected);
      }
    }
  });

  test('kill -9 in the middle of a stream of writes: no acknowledged write lost, every secret whole', async () => {
    assert.ok(server, 'runs after the first test, on the server it restarted');
    const WRITERS = 6;
    // Per writer: the versions acknowledged in order, and the one in flight when the server died.
    const acked: Array<Array<{ token: string; value: string }>> = Array.from({ length: WRITERS }, () => []);
    const inFlight: Array<{ token: string; value: string } | undefined> = Array(WRITERS).fill(undefined);
    const createdAcked: string[] = [];
    let createInFlight: string | undefined;
    let total = 0;
    let killed = false;
    const unexpected: string[] = [];
    const killAfter = 150;
    const killNow = () => {
      if (killed) return;
      killed = true;
      server.child.kill('SIGKILL'); // synchronously, while the other writers' requests are in flight
    };

    for (let w = 0; w < WRITERS; w++) {
      const token = randomUUID();
      await client.send(new CreateSecretCommand({ Name: `stream/w${w}`, SecretString: `w${w}-initial`, ClientRequestToken: token }));
      acked[w].push({ token, value: `w${w}-initial` });
    }
    const putter = async (w: number) => {
      for (let n = 0; !killed; n++) {
        const write = { token: randomUUID(), value: `w${w}-${n}` };
        inFlight[w] = write;
        try {
          await client.send(new PutSecretValueCommand({ SecretId: `stream/w${w}`, SecretString: write.value, ClientRequestToken: write.token }));
        } catch (err) {
          if (!killed) unexpected.push(`put ${write.value}: ${String(err)}`);
          return; // the server died under this request: it may or may not have been written
        }
        if (killed) return; // answered after the kill was decided: treat as in flight
        acked[w].push(write);
        inFlight[w] = undefined;
        if (++total >= killAfter) killNow();
      }
    };
    const creator = async () => {
      for (let n = 0; !killed; n++) {
        createInFlight = `stream/c${n}`;
        try {
          await client.send(new CreateSecretCommand({ Name: createInFlight, SecretString: `c${n}` }));
        } catch (err) {
          if (!killed) unexpected.push(`create ${createInFlight}: ${String(err)}`);
          return;
        }
        if (killed) return;
        createdAcked.push(createInFlight);
        createInFlight = undefined;
        if (++total >= killAfter) killNow();
      }
    };
    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => putter(w)), creator()]);
    await server.killHard();
    assert.deepEqual(unexpected, [], 'no write failed before the kill');
    assert.ok(killed && total >= killAfter, 'the server was killed by the test during the writes');
    assert.ok(createdAcked.length > 0);

    assert.equal(integrityCheck(dataDir), 'ok');
    server = await start(dataDir);
    client = server.client();
    for (let w = 0; w < WRITERS; w++) {
      const id = `stream/w${w}`;
      const stages = await stagesOf(client, id);
      const holders = (label: string) => Object.entries(stages).filter(([, ls]) => ls.includes(label)).map(([v]) => v);
      const last = acked[w][acked[w].length - 1];
      const pending = inFlight[w];
      // AWSCURRENT is the last acknowledged version, or the one in flight if it was committed but not answered.
      const [current] = holders('AWSCURRENT');
      assert.equal(holders('AWSCURRENT').length, 1, `${id}: one AWSCURRENT`);
      const committedPending = pending !== undefined && current === pending.token;
      assert.ok(current === last.token || committedPending, `${id}: AWSCURRENT ${current} is neither the last acknowledged write nor the one in flight`);
      const previous = committedPending ? last : acked[w][acked[w].length - 2];
      if (previous) assert.deepEqual(holders('AWSPREVIOUS'), [previous.token], `${id}: AWSPREVIOUS`);
      // Every acknowledged version is there with its value.
      const listed = await client.send(new ListSecretVersionIdsCommand({ SecretId: id, IncludeDeprecated: true, MaxResults: 100 }));
      const ids = new Set(listed.Versions!.map((v) => v.VersionId));
      assert.deepEqual(acked[w].filter((a) => !ids.has(a.token)), [], `${id}: acknowledged versions missing`);
      for (const write of acked[w]) {
        const v = await client.send(new GetSecretValueCommand({ SecretId: id, VersionId: write.token }));
        assert.equal(v.SecretString, write.value);
      }
    }
    for (const name of createdAcked) {
      const v = await client.send(new GetSecretValueCommand({ SecretId: name }));
      assert.equal(v.SecretString, name.replace('stream/', ''));
    }
    if (createInFlight) {
      // Created whole or not at all: a secret row never exists without its first version.
      const v = await client.send(new GetSecretValueCommand({ SecretId: createInFlight })).catch((err: Error) => err.name);
      if (typeof v === 'string') assert.equal(v, 'ResourceNotFoundException');
      else assert.equal(v.SecretString, createInFlight.replace('stream/', ''));
    }
    // The first test's writes survived this crash too.
    const survivor = await client.send(new GetSecretValueCommand({ SecretId: 'durable/s5' }));
    assert.equal(survivor.SecretString, 'put-5');
    await server.stop();
  });
});
