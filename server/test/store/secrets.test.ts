// Store contract, secrets: what the service writes is what a restarted server reads back, the label
// invariants hold in the service and in the schema, root keys are enforced, keyset paging and deletion
// behave the same on both dialects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { checkRootKey } from '../../src/bootstrap.ts';
import { newKey } from '../../src/crypto/aead.ts';
import { rootKeyring } from '../../src/crypto/root-key.ts';
import { isUniqueViolation, openStore } from '../../src/store/db.ts';
import { createApp, loadConfig } from '../../src/index.ts';
import type { TestServer } from '../support/test-server.ts';
import { DIALECTS, tempDir, type StoreTarget } from './dialects.ts';

const REGIONS = ['us-east-1', 'eu-west-1'];

/** Everything a client can read about every secret: list entries, descriptions, versions and each version's value. */
async function snapshot(server: TestServer): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const region of REGIONS) {
    const client = server.client({ region });
    const list = await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true, SortBy: 'name' }));
    for (const entry of list.SecretList!) {
      const versions = await client.send(new ListSecretVersionIdsCommand({ SecretId: entry.ARN, IncludeDeprecated: true }));
      const values: Record<string, unknown> = {};
      for (const v of versions.Versions!) {
        values[v.VersionId!] = await client
          .send(new GetSecretValueCommand({ SecretId: entry.ARN, VersionId: v.VersionId }))
          .then(({ $metadata: _, ...rest }) => rest, (err: Error) => err.name);
      }
      const { $metadata: _d, ...described } = await client.send(new DescribeSecretCommand({ SecretId: entry.ARN }));
      const { $metadata: _v, ...versionList } = versions;
      out[`${region} ${entry.Name}`] = { entry, described, versionList, values };
    }
  }
  return out;
}

function sortedStages(map: Record<string, string[]> | undefined): Record<string, string[]> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, [...v].sort()]));
}

/** A clock that moves forward by one millisecond per reading, so versions are strictly ordered in time. */
function tickingClock(start = Date.now()): () => number {
  let t = start;
  return () => ++t;
}

for (const dialect of DIALECTS) {
  describe(`store contract: secrets (${dialect.name})`, { skip: dialect.skip }, () => {
    let target: StoreTarget;
    before(async () => {
      target = await dialect.create();
    });
    after(async () => {
      await target?.dispose();
    });

    test('versions, labels, tags, binary values and deletions read back the same after a restart', async () => {
      const ids = { v1: randomUUID(), v2: randomUUID(), v3: randomUUID(), v4: randomUUID() };
      const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0x80]);
      let server = await target.start({ now: tickingClock() });
      try {
        const us = server.client();
        const eu = server.client({ region: 'eu-west-1' });
        const name = 'contract/string';
        await us.send(new CreateSecretCommand({
          Name: name,
          Description: 'persisted description',
          SecretString: 'value one',
          ClientRequestToken: ids.v1,
          Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'app', Value: 'coffer' }],
        }));
        await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'value two', ClientRequestToken: ids.v2 }));
        await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'value three', ClientRequestToken: ids.v3, VersionStages: ['custom-a', 'custom-b'] }));
        await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'value four', ClientRequestToken: ids.v4 }));
        await us.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'custom-b', MoveToVersionId: ids.v1, RemoveFromVersionId: ids.v3 }));
        await us.send(new CreateSecretCommand({ Name: 'contract/binary', SecretBinary: binary }));
        await us.send(new CreateSecretCommand({ Name: 'contract/no-value', Description: 'no value yet' }));
        await us.send(new CreateSecretCommand({ Name: 'contract/deleted', SecretString: 'gone soon' }));
        await us.send(new DeleteSecretCommand({ SecretId: 'contract/deleted', RecoveryWindowInDays: 7 }));
        await us.send(new CreateSecretCommand({ Name: 'contract/untagged', SecretString: 'x' }));
        await us.send(new TagResourceCommand({ SecretId: 'contract/untagged', Tags: [{ Key: 'k', Value: 'v' }] }));
        await us.send(new UntagResourceCommand({ SecretId: 'contract/untagged', TagKeys: ['k'] }));
        await eu.send(new CreateSecretCommand({ Name: name, SecretString: 'the eu value' }));

        await snapshot(server); // the first reads set LastAccessedDate; the snapshot compared is the next one
        const before = await snapshot(server);
        assert.equal(Object.keys(before).length, 6);
        await server.close();

        server = await target.start({ now: tickingClock() });
        const afterRestart = await snapshot(server);
        assert.deepEqual(afterRestart, before);

        // And what was read back is what was written, not merely the same loss twice.
        const described = (afterRestart[`us-east-1 ${name}`] as { described: { VersionIdsToStages: Record<string, string[]>; Tags: unknown; Description: string } }).described;
        assert.deepEqual(sortedStages(described.VersionIdsToStages), {
          [ids.v4]: ['AWSCURRENT'],
          [ids.v2]: ['AWSPREVIOUS'],
          [ids.v3]: ['custom-a'],
          [ids.v1]: ['custom-b'],
        });
        assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'blue' }, { Key: 'app', Value: 'coffer' }]);
        assert.equal(described.Description, 'persisted description');
        const client = server.client();
        const expected = { v1: 'value one', v2: 'value two', v3: 'value three', v4: 'value four' } as const;
        for (const key of Object.keys(ids) as Array<keyof typeof ids>) {
          const got = await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: ids[key] }));
          assert.equal(got.SecretString, expected[key]);
        }
        const previous = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
        assert.equal(previous.VersionId, ids.v2);
        const bin = await client.send(new GetSecretValueCommand({ SecretId: 'contract/binary' }));
        assert.deepEqual(Buffer.from(bin.SecretBinary!), binary);
        const deleted = await client.send(new DescribeSecretCommand({ SecretId: 'contract/deleted' }));
        assert.ok(deleted.DeletedDate instanceof Date);
        const untagged = await client.send(new DescribeSecretCommand({ SecretId: 'contract/untagged' }));
        assert.deepEqual(untagged.Tags, []);
        const euValue = await server.client({ region: 'eu-west-1' }).send(new GetSecretValueCommand({ SecretId: name }));
        assert.equal(euValue.SecretString, 'the eu value');
        await assert.rejects(client.send(new GetSecretValueCommand({ SecretId: 'contract/no-value' })), { name: 'ResourceNotFoundException' });
      } finally {
        await server.close();
      }
    });

    test('a staging label sits on at most one version: in the service and in the schema', async () => {
      const server = await target.start();
      try {
        const client = server.client();
        const name = 'labels/one-holder';
        const a = randomUUID();
        const b = randomUUID();
        await client.send(new CreateSecretCommand({ Name: name, SecretString: 'first' }));
        await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'a', ClientRequestToken: a, VersionStages: ['L1', 'L2'] }));
        await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'b', ClientRequestToken: b, VersionStages: ['L2', 'L3'] }));
        await assert.rejects(
          client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'L1', MoveToVersionId: b })),
          { name: 'InvalidParameterException' },
          'moving a label held by another version without naming it is refused',
        );
        await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'L1', MoveToVersionId: b, RemoveFromVersionId: a }));

        const { id } = await server.app.store.db
          .selectFrom('secrets')
          .select('id')
          .where('name', '=', name)
          .where('region', '=', 'us-east-1')
          .executeTakeFirstOrThrow();
        const rows = await server.app.store.db
          .selectFrom('secret_version_stages')
          .select(['stage', 'version_id'])
          .where('secret_id', '=', id)
          .orderBy('stage')
          .execute();
        const current = rows.find((r) => r.stage === 'AWSCURRENT')!.version_id;
        assert.deepEqual(rows, [
          { stage: 'AWSCURRENT', version_id: current },
          { stage: 'L1', version_id: b },
          { stage: 'L2', version_id: b },
          { stage: 'L3', version_id: b },
        ]);
        // No label points at a version that does not exist.
        const dangling = await server.app.store.db
          .selectFrom('secret_version_stages as s')
          .leftJoin('secret_versions as v', (j) => j.onRef('v.secret_id', '=', 's.secret_id').onRef('v.version_id', '=', 's.version_id'))
          .select('s.stage')
          .where('v.version_id', 'is', null)
          .execute();
        assert.deepEqual(dangling, []);

        // The schema itself refuses a second holder, and the store reports it as a unique violation.
        const second = server.app.store.db
          .insertInto('secret_version_stages')
          .values({ secret_id: id, stage: 'AWSCURRENT', version_id: a })
          .execute();
        await assert.rejects(second, (err: unknown) => isUniqueViolation(err));
        const duplicateName = server.app.store.db
          .insertInto('secrets')
          .values({
            id: randomUUID(), account_id: server.app.accountId, region: 'us-east-1', name, arn: `arn:aws:secretsmanager:us-east-1:${server.app.accountId}:secret:${name}-zzzzzz`,
            description: null, kms_key_id: null, created_at: 1, last_changed_at: 1, last_accessed_at: null, deleted_at: null,
            deletion_date: null, tagged: 0, owning_service: null, primary_region: null,
          })
          .execute();
        await assert.rejects(duplicateName, (err: unknown) => isUniqueViolation(err));
        // The same name in another region is another secret.
        await server.client({ region: 'eu-west-1' }).send(new CreateSecretCommand({ Name: name, SecretString: 'eu' }));
      } finally {
        await server.close();
      }
    });

    test('a root key other than the one the store was sealed with refuses to start and changes nothing', async () => {
      let server = await target.start();
      try {
        await server.client().send(new CreateSecretCommand({ Name: 'rootkey/probe', SecretString: 'still readable' }));
      } finally {
        await server.close();
      }
      const keyFile = join(target.dataDir, 'root.key');
      const original = readFileSync(keyFile, 'utf8');
      const meta = await target.query('select key, value from meta order by key');
      writeFileSync(keyFile, newKey().toString('base64') + '\n');
      try {
        await assert.rejects(target.start(), /root key does not match/);
      } finally {
        writeFileSync(keyFile, original);
      }
      assert.deepEqual(await target.query('select key, value from meta order by key'), meta);
      server = await target.start();
      try {
        const value = await server.client().send(new GetSecretValueCommand({ SecretId: 'rootkey/probe' }));
        assert.equal(value.SecretString, 'still readable');
      } finally {
        await server.close();
      }
    });

    test('first starts racing with different root keys: one key is accepted, the other refused', async () => {
      const fresh = await dialect.create();
      const store = await openStore(fresh.location);
      try {
        const results = await Promise.allSettled([
          checkRootKey(store.db, rootKeyring([newKey()])),
          checkRootKey(store.db, rootKeyring([newKey()])),
        ]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.match(String(refused.reason), /root key does not match/);
      } finally {
        await store.close();
        await fresh.dispose();
      }
    });

    if (dialect.name === 'postgres') {
      test('two servers started at once on an empty database with different root keys: exactly one runs', async () => {
        const fresh = await dialect.create();
        const dirs = [tempDir(), tempDir()];
        try {
          const results = await Promise.allSettled(
            dirs.map((dataDir) => createApp(loadConfig({ port: 0, dataDir, databaseUrl: fresh.databaseUrl }, {}))),
          );
          for (const r of results) if (r.status === 'fulfilled') await r.value.close();
          assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
          assert.match(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason), /root key does not match/);
        } finally {
          await fresh.dispose();
          for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
        }
      });

      test('a connection PostgreSQL terminates does not stop the server; the next request reconnects', async () => {
        const server = await target.start();
        try {
          const client = server.client();
          await client.send(new CreateSecretCommand({ Name: 'pg/terminated', SecretString: 'survives' }));
          const terminated = await target.query<{ ok: boolean }>(
            `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
          );
          assert.ok(terminated.length > 0, 'the server had connections to terminate');
          await new Promise((r) => setTimeout(r, 100));
          const value = await client.send(new GetSecretValueCommand({ SecretId: 'pg/terminated' }));
          assert.equal(value.SecretString, 'survives');
        } finally {
          await server.close();
        }
      });
    }

    test('ListSecrets pages through every secret exactly once in every sort order, also when times tie', async () => {
      const frozen = Date.now();
      const server = await target.start({ now: () => frozen });
      try {
        const client = server.client();
        const names = ['page/delta', 'page/Alpha', 'page/charlie', 'page/bravo', 'page/echo', 'page/Foxtrot', 'page/golf'];
        for (const name of names) await client.send(new CreateSecretCommand({ Name: name, SecretString: name }));
        await client.send(new GetSecretValueCommand({ SecretId: 'page/echo' }));
        const filters = [{ Key: 'name' as const, Values: ['page/'] }];
        for (const SortBy of ['created-date', 'last-changed-date', 'last-accessed-date', 'name'] as const) {
          for (const SortOrder of ['asc', 'desc'] as const) {
            const whole = await client.send(new ListSecretsCommand({ Filters: filters, SortBy, SortOrder }));
            const all = whole.SecretList!.map((s) => s.Name!);
            assert.deepEqual([...all].sort(), [...names].sort(), `${SortBy} ${SortOrder}: every secret once`);
            const paged = await pageThrough(client, { Filters: filters, SortBy, SortOrder });
            assert.deepEqual(paged, all, `${SortBy} ${SortOrder}: pages of 2 give the same sequence`);
            if (SortBy === 'created-date') {
              // All created in the same millisecond: insertion order breaks the tie.
              assert.deepEqual(all, SortOrder === 'asc' ? names : [...names].reverse());
            }
          }
        }
      } finally {
        await server.close();
      }
    });

    test('prefix filters (applied in SQL) match exactly: wildcard characters, case, non-ASCII, negation, any and no tag', async () => {
      const server = await target.start({ now: tickingClock() });
      try {
        const client = server.client({ region: 'ap-south-1' });
        const fixtures = [
          { Name: 'pf/a_b', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'x' }] },
          { Name: 'pf/axb', Tags: [{ Key: 'Env', Value: 'dev' }] },
          { Name: 'pf/A_b', Tags: [] },
          { Name: 'pf/a.b', Tags: [{ Key: 'env.name', Value: 'prod-eu' }] },
          { Name: 'pf/e', Tags: [{ Key: 'team', Value: 'café' }] },
        ];
        for (const f of fixtures) await client.send(new CreateSecretCommand({ Name: f.Name, SecretString: 'v', Tags: f.Tags.length ? f.Tags : undefined }));
        const names = async (Filters: Array<{ Key: 'name' | 'tag-key' | 'tag-value' | 'primary-region'; Values: string[] }>) => {
          const seen: string[] = [];
          let NextToken: string | undefined;
          do {
            // Pages of one: each page's query carries the filters and the cursor together.
            const page = await client.send(new ListSecretsCommand({ Filters, MaxResults: 1, NextToken }));
            seen.push(...page.SecretList!.map((s) => s.Name!));
            NextToken = page.NextToken;
          } while (NextToken);
          return seen.sort();
        };
        assert.deepEqual(await names([{ Key: 'name', Values: ['pf/a_'] }]), ['pf/a_b'], '_ is no wildcard');
        assert.deepEqual(await names([{ Key: 'name', Values: ['pf/a'] }]), ['pf/a.b', 'pf/a_b', 'pf/axb'], 'case-sensitive');
        assert.deepEqual(await names([{ Key: 'name', Values: ['!pf/a'] }]), ['pf/A_b', 'pf/e']);
        assert.deepEqual(await names([{ Key: 'name', Values: ['pf/A', 'pf/a.'] }]), ['pf/A_b', 'pf/a.b'], 'values ORed');
        assert.deepEqual(await names([{ Key: 'tag-key', Values: ['env'] }]), ['pf/a.b', 'pf/a_b'], 'any tag');
        assert.deepEqual(await names([{ Key: 'tag-key', Values: ['!env'] }]), ['pf/A_b', 'pf/axb', 'pf/e'], 'no tag');
        assert.deepEqual(await names([{ Key: 'tag-value', Values: ['caf'] }]), ['pf/e'], 'a prefix of a non-ASCII value');
        assert.deepEqual(await names([{ Key: 'tag-value', Values: ['prod'] }, { Key: 'tag-key', Values: ['team'] }]), ['pf/a_b'], 'filters ANDed');
        assert.deepEqual(await names([{ Key: 'primary-region', Values: ['!'] }]), [], 'no primary region: only the empty prefix matches it');
        assert.deepEqual(await names([{ Key: 'primary-region', Values: ['!us'] }]), fixtures.map((f) => f.Name).sort());
      } finally {
        await server.close();
      }
    });

    test('force delete and the purge of an expired recovery window leave no row of the secret behind', async () => {
      let clock = Date.now();
      const server = await target.start({ now: () => clock });
      try {
        const client = server.client();
        const scope = { accountId: server.app.accountId, region: 'us-east-1' };
        const rowsOf = async (name: string) => {
          const db = server.app.store.db;
          const secret = await db.selectFrom('secrets').select('id').where('name', '=', name).where('region', '=', 'us-east-1').executeTakeFirst();
          const count = async (table: 'secret_versions' | 'secret_version_stages' | 'secret_tags', id: string) =>
            Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('secret_id', '=', id).executeTakeFirstOrThrow()).n);
          return secret ? { secret: 1, versions: await count('secret_versions', secret.id), stages: await count('secret_version_stages', secret.id), tags: await count('secret_tags', secret.id), id: secret.id } : undefined;
        };
        for (const name of ['delete/forced', 'delete/purged']) {
          await client.send(new CreateSecretCommand({ Name: name, SecretString: 'one', Tags: [{ Key: 'a', Value: 'b' }] }));
          await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
          const rows = await rowsOf(name);
          assert.deepEqual({ ...rows, id: undefined }, { secret: 1, versions: 2, stages: 2, tags: 1, id: undefined });
        }
        const forcedId = (await rowsOf('delete/forced'))!.id;
        await client.send(new DeleteSecretCommand({ SecretId: 'delete/forced', ForceDeleteWithoutRecovery: true }));
        assert.equal(await rowsOf('delete/forced'), undefined);
        await assertNoRowsFor(server, forcedId);

        const purgedId = (await rowsOf('delete/purged'))!.id;
        await client.send(new DeleteSecretCommand({ SecretId: 'delete/purged', RecoveryWindowInDays: 7 }));
        assert.equal(await server.app.secrets.purgeExpired(), 0, 'nothing is purged inside the window');
        assert.ok(await rowsOf('delete/purged'));
        clock += 7 * 24 * 60 * 60 * 1000 + 1;
        assert.ok((await server.app.secrets.purgeExpired()) >= 1);
        assert.equal(await rowsOf('delete/purged'), undefined);
        await assertNoRowsFor(server, purgedId);
        // The name is free again, with a new ARN.
        const again = await server.app.secrets.createSecret(scope, { Name: 'delete/purged', SecretString: 'new', ClientRequestToken: randomUUID() });
        assert.ok(again.VersionId);
      } finally {
        await server.close();
      }
    });
  });
}

async function pageThrough(client: SecretsManagerClient, input: ConstructorParameters<typeof ListSecretsCommand>[0]): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await client.send(new ListSecretsCommand({ ...input, MaxResults: 2, NextToken }));
    assert.ok(page.SecretList!.length <= 2);
    names.push(...page.SecretList!.map((s) => s.Name!));
    NextToken = page.NextToken;
    if (!NextToken) return names;
  }
  throw new Error('paging did not end');
}

async function assertNoRowsFor(server: TestServer, secretId: string): Promise<void> {
  const db = server.app.store.db;
  for (const table of ['secret_versions', 'secret_version_stages', 'secret_tags'] as const) {
    const rows = await db.selectFrom(table).select('secret_id').where('secret_id', '=', secretId).execute();
    assert.deepEqual(rows, [], `${table} keeps no row of the deleted secret`);
  }
}
