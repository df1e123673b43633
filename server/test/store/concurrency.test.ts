// Store contract, concurrency: writes racing on one secret (from two servers sharing one PostgreSQL
// database, or many at once on SQLite) never leave a secret with two AWSCURRENT versions or none, never
// lose an acknowledged version, and a name is created once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { TestServer } from '../support/test-server.ts';
import { DIALECTS, type StoreTarget } from './dialects.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';

/** One clock for every server in the test, one millisecond per reading: versions are strictly ordered. */
function sharedClock(): () => number {
  let t = Date.now();
  return () => ++t;
}

/** Reads the secret over and over until `done` settles; every read must see exactly one AWSCURRENT. */
async function watch(client: SecretsManagerClient, secretId: string, done: Promise<unknown>, known: Set<string>) {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let reads = 0;
  const problems: string[] = [];
  while (!finished) {
    const [value, described] = await Promise.all([
      client.send(new GetSecretValueCommand({ SecretId: secretId })),
      client.send(new DescribeSecretCommand({ SecretId: secretId })),
    ]);
    reads++;
    if (!known.has(value.SecretString!)) problems.push(`AWSCURRENT read an unknown value ${value.SecretString}`);
    if (!value.VersionStages?.includes('AWSCURRENT')) problems.push(`the AWSCURRENT read came with stages ${value.VersionStages}`);
    const labels = Object.values(described.VersionIdsToStages ?? {}).flat();
    const current = labels.filter((l) => l === 'AWSCURRENT').length;
    const previous = labels.filter((l) => l === 'AWSPREVIOUS').length;
    if (current !== 1 || previous > 1) problems.push(`DescribeSecret showed ${current} AWSCURRENT and ${previous} AWSPREVIOUS`);
  }
  return { reads, problems };
}

for (const dialect of DIALECTS) {
  describe(`store contract: concurrency (${dialect.name})`, { skip: dialect.skip }, () => {
    let target: StoreTarget;
    let servers: TestServer[] = [];
    let clients: SecretsManagerClient[];
    before(async () => {
      target = await dialect.create();
      const now = sharedClock();
      // PostgreSQL: two Coffer servers on one database (same root key file). SQLite: one server, many requests.
      servers.push(await target.start({ now }));
      if (dialect.name === 'postgres') servers.push(await target.start({ now }));
      clients = servers.map((s) => s.client());
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
      servers = [];
      await target?.dispose();
    });

    const db = () => servers[0].app.store.db;
    const clientFor = (i: number) => clients[i % clients.length];

    test('racing PutSecretValue calls: one AWSCURRENT at every moment, the last write current, no version lost', async () => {
      const name = 'race/put';
      const initial = randomUUID();
      await clients[0].send(new CreateSecretCommand({ Name: name, SecretString: 'initial', ClientRequestToken: initial }));
      const N = 40;
      const tokens = Array.from({ length: N }, () => randomUUID());
      const known = new Set(['initial', ...tokens.map((_, i) => `value-${i}`)]);
      const writes = Promise.allSettled(
        tokens.map((token, i) => clientFor(i).send(new PutSecretValueCommand({ SecretId: name, SecretString: `value-${i}`, ClientRequestToken: token }))),
      );
      const watchers = await Promise.all(clients.map((c) => watch(c, name, writes, known)));
      const results = await writes;

      const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, [], 'every write is acknowledged');
      for (const r of results) assert.deepEqual((r as PromiseFulfilledResult<{ VersionStages?: string[] }>).value.VersionStages, ['AWSCURRENT']);
      for (const w of watchers) assert.deepEqual(w.problems, []);
      assert.ok(watchers.every((w) => w.reads > 0));

      const listed = await clients[0].send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true, MaxResults: 100 }));
      assert.deepEqual(listed.Versions!.map((v) => v.VersionId).sort(), [initial, ...tokens].sort(), 'every acknowledged version exists');

      // The rows: the version written last (in time, which the lock orders) is AWSCURRENT, the one before AWSPREVIOUS.
      const { id } = await db().selectFrom('secrets').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      const versions = await db().selectFrom('secret_versions').select(['version_id', 'created_at']).where('secret_id', '=', id).orderBy('created_at', 'desc').execute();
      assert.equal(new Set(versions.map((v) => v.created_at)).size, versions.length, 'each version was written at its own moment');
      const stages = await db().selectFrom('secret_version_stages').select(['stage', 'version_id']).where('secret_id', '=', id).orderBy('stage').execute();
      assert.deepEqual(stages, [
        { stage: 'AWSCURRENT', version_id: versions[0].version_id },
        { stage: 'AWSPREVIOUS', version_id: versions[1].version_id },
      ]);
      // Each version still opens to the value that was written with it.
      await Promise.all(tokens.map(async (token, i) => {
        const v = await clientFor(i + 1).send(new GetSecretValueCommand({ SecretId: name, VersionId: token }));
        assert.equal(v.SecretString, `value-${i}`);
      }));
    });

    test('racing writes of every kind on one secret neither deadlock nor break the labels', async () => {
      const name = 'race/mixed';
      const first = randomUUID();
      const second = randomUUID();
      await clients[0].send(new CreateSecretCommand({ Name: name, SecretString: 'v0', ClientRequestToken: first }));
      await clients[0].send(new PutSecretValueCommand({ SecretId: name, SecretString: 'flip holder', ClientRequestToken: second, VersionStages: ['flip'] }));
      const puts: string[] = Array.from({ length: 16 }, () => randomUUID());
      const work: Array<Promise<unknown>> = [
        ...puts.map((token, i) => clientFor(i).send(new PutSecretValueCommand({ SecretId: name, SecretString: `p${i}`, ClientRequestToken: token }))),
        ...Array.from({ length: 8 }, (_, i) => clientFor(i + 1).send(new UpdateSecretCommand({ SecretId: name, Description: `d${i}` }))),
        ...Array.from({ length: 8 }, (_, i) => clientFor(i).send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: `k${i}`, Value: `${i}` }] }))),
        ...Array.from({ length: 8 }, (_, i) => clientFor(i + 1).send(new GetSecretValueCommand({ SecretId: name }))),
        (async () => {
          // One chain moves a custom label back and forth while the others write.
          let holder = second;
          for (let i = 0; i < 6; i++) {
            const next = holder === second ? first : second;
            await clientFor(i).send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'flip', MoveToVersionId: next, RemoveFromVersionId: holder }));
            holder = next;
          }
        })(),
      ];
      const results = await Promise.allSettled(work);
      assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);

      const described = await clients[0].send(new DescribeSecretCommand({ SecretId: name }));
      const labels = Object.entries(described.VersionIdsToStages!).flatMap(([v, ls]) => ls.map((l) => [l, v] as const));
      assert.deepEqual(labels.map(([l]) => l).sort(), ['AWSCURRENT', 'AWSPREVIOUS', 'flip']);
      assert.equal(labels.find(([l]) => l === 'flip')![1], second, 'six moves bring the label back to where it started');
      assert.ok(puts.includes(labels.find(([l]) => l === 'AWSCURRENT')![1]));
      assert.equal(described.Tags!.length, 8);
      assert.match(described.Description!, /^d\d$/);
      const listed = await clients[1 % clients.length].send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
      assert.equal(listed.Versions!.length, 2 + puts.length);
    });

    test('racing CreateSecret of one name in a fresh region: exactly one wins, the others get ResourceExistsException', async () => {
      // A region with no default key yet: the racers also race to create it.
      const region = 'ap-southeast-2';
      const racers = servers.flatMap((s) => Array.from({ length: 12 / servers.length }, () => s.client({ region })));
      const name = 'race/create';
      const results = await Promise.allSettled(
        racers.map((c, i) => c.send(new CreateSecretCommand({ Name: name, SecretString: `candidate-${i}` }))),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ i, versionId: r.value.VersionId }] : []));
      assert.equal(won.length, 1, `one winner, got ${won.length}`);
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
      assert.deepEqual(errors, Array(racers.length - 1).fill('ResourceExistsException'));

      const value = await racers[0].send(new GetSecretValueCommand({ SecretId: name }));
      assert.equal(value.SecretString, `candidate-${won[0].i}`);
      assert.equal(value.VersionId, won[0].versionId);

      const scope = (q: 'secrets' | 'kms_keys' | 'kms_aliases') =>
        db().selectFrom(q).selectAll().where('account_id', '=', servers[0].app.accountId).where('region', '=', region).execute();
      assert.equal((await scope('secrets')).length, 1);
      assert.equal((await scope('kms_aliases')).length, 1, 'one default key alias');
      assert.equal((await scope('kms_keys')).length, 1, 'no key left behind by a losing racer');
      const orphans = await db()
        .selectFrom('secret_versions as v')
        .leftJoin('secrets as s', 's.id', 'v.secret_id')
        .select('v.version_id')
        .where('s.id', 'is', null)
        .execute();
      assert.deepEqual(orphans, [], 'no version of a losing racer is left behind');
    });
  });
}

describe('store contract: concurrency (SQLite, two server processes on one data directory, as --workers runs them)', () => {
  let target: StoreTarget;
  let processes: ServerProcess[] = [];
  before(async () => {
    target = await DIALECTS[0].create();
    // The first start prepares the directory (migrations, root key, admin credential), as the primary does.
    await (await target.start()).close();
    processes = await Promise.all([spawnServer({ dataDir: target.dataDir }), spawnServer({ dataDir: target.dataDir })]);
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await target?.dispose();
  });

  test('racing PutSecretValue and CreateSecret across processes: one AWSCURRENT, no version lost, one winner per name', async () => {
    const clients = processes.map((p) => p.client());
    const name = 'race/processes';
    const initial = randomUUID();
    await clients[0].send(new CreateSecretCommand({ Name: name, SecretString: 'initial', ClientRequestToken: initial }));
    const tokens = Array.from({ length: 30 }, () => randomUUID());
    const known = new Set(['initial', ...tokens.map((_, i) => `value-${i}`)]);
    const writes = Promise.allSettled(
      tokens.map((token, i) => clients[i % 2].send(new PutSecretValueCommand({ SecretId: name, SecretString: `value-${i}`, ClientRequestToken: token }))),
    );
    const creates = Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => clients[i % 2].send(new CreateSecretCommand({ Name: 'race/processes-create', SecretString: `c${i}` }))),
    );
    const watchers = await Promise.all(clients.map((c) => watch(c, name, writes, known)));
    const results = await writes;
    assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);
    for (const w of watchers) assert.deepEqual(w.problems, []);

    const listed = await clients[1].send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true, MaxResults: 100 }));
    assert.deepEqual(listed.Versions!.map((v) => v.VersionId).sort(), [initial, ...tokens].sort());
    // Without a shared clock two commits may share a millisecond: AWSCURRENT is among the latest, AWSPREVIOUS next.
    const byId = new Map(listed.Versions!.map((v) => [v.VersionId!, v]));
    const current = listed.Versions!.find((v) => v.VersionStages?.includes('AWSCURRENT'))!;
    const previous = listed.Versions!.filter((v) => v.VersionStages?.includes('AWSPREVIOUS'));
    assert.equal(previous.length, 1);
    const times = [...byId.values()].map((v) => v.CreatedDate!.getTime()).sort((a, b) => b - a);
    assert.equal(current.CreatedDate!.getTime(), times[0]);
    assert.ok(previous[0].CreatedDate!.getTime() >= times[1]);
    assert.equal(listed.Versions!.filter((v) => v.VersionStages?.length).length, 2);

    const created = await creates;
    assert.equal(created.filter((r) => r.status === 'fulfilled').length, 1);
    assert.deepEqual(
      created.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : [])),
      Array(7).fill('ResourceExistsException'),
    );
  });

  test('a write acknowledged by one process is what the next read on the other process returns (no stale read cache)', async () => {
    const [a, b] = processes.map((p) => p.client());
    const name = 'race/read-your-writes';
    await a.send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
    assert.equal((await b.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v0');
    for (let i = 1; i <= 12; i++) {
      const [writer, reader] = i % 2 ? [a, b] : [b, a];
      // Warm the reader's cache on the old value, then write through the other process.
      assert.equal((await reader.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `v${i - 1}`);
      await writer.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}` }));
      const read = await reader.send(new GetSecretValueCommand({ SecretId: name }));
      assert.equal(read.SecretString, `v${i}`, `read ${i} on the other process`);
      const previous = await reader.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
      assert.equal(previous.SecretString, `v${i - 1}`);
    }
    await a.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    await assert.rejects(b.send(new GetSecretValueCommand({ SecretId: name })), { name: 'InvalidRequestException' });
    await b.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await assert.rejects(a.send(new GetSecretValueCommand({ SecretId: name })), { name: 'ResourceNotFoundException' });
    await b.send(new CreateSecretCommand({ Name: name, SecretString: 'reborn' }));
    assert.equal((await a.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'reborn');
  });
});
