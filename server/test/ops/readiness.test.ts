// GET /_coffer/health and /_coffer/ready on a real server, unsigned: health says the process answers;
// ready is 200 while the store takes writes, has every migration and is sealed with a root key the server
// holds, and 503 naming the failed check otherwise (the underlying error only in the server's log). It
// comes back by itself when the cause goes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { newKey } from '../../src/crypto/aead.ts';
import { rootKeyFromBytes } from '../../src/crypto/root-key.ts';
import { sealRootCheck } from '../../src/bootstrap.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { createTestDatabase, postgresSkipReason, POSTGRES_ADMIN_URL } from '../support/postgres.ts';

async function get(server: TestServer, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.endpoint}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls /_coffer/ready until its status is `status` (a result answers probes for a second). */
async function readyBecomes(server: TestServer, status: number): Promise<Record<string, unknown>> {
  const end = Date.now() + 8000;
  for (;;) {
    const answer = await get(server, '/_coffer/ready');
    if (answer.status === status) return answer.body;
    if (Date.now() > end) throw new Error(`ready stayed ${answer.status}: ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('readiness on SQLite', () => {
  let server: TestServer;
  let sqlite: Sqlite.Database;
  before(async () => {
    server = await startTestServer({ logger: { error: () => {} } });
    sqlite = new Sqlite(join(server.dataDir, 'coffer.db'));
  });
  after(async () => {
    sqlite?.close();
    await server?.close();
  });

  it('answers health and ready without a signature', async () => {
    assert.deepEqual(await get(server, '/_coffer/health'), { status: 200, body: { status: 'ok', dev: false } });
    assert.deepEqual(await get(server, '/_coffer/ready'), { status: 200, body: { status: 'ready' } });
  });

  it('is not ready while the database lacks a migration of this server', async () => {
    const row = sqlite.prepare("select * from coffer_migrations where name = '006-change-generation'").get() as Record<string, unknown>;
    sqlite.prepare("delete from coffer_migrations where name = '006-change-generation'").run();
    try {
      const body = await readyBecomes(server, 503);
      assert.deepEqual(body, { status: 'unavailable', reasons: ['migrations: not applied: 006-change-generation'] });
      assert.equal((await get(server, '/_coffer/health')).status, 200, 'still alive');
    } finally {
      sqlite.prepare('insert into coffer_migrations (name, timestamp) values (?, ?)').run(row.name, row.timestamp);
    }
    assert.deepEqual(await readyBecomes(server, 200), { status: 'ready' });
  });

  it('is not ready while the database is sealed with a root key it does not hold', async () => {
    const stored = (sqlite.prepare("select value from meta where key = 'root_key_check'").get() as { value: string }).value;
    const other = rootKeyFromBytes(newKey());
    sqlite.prepare("update meta set value = ? where key = 'root_key_check'").run(sealRootCheck(other));
    try {
      const body = await readyBecomes(server, 503);
      assert.deepEqual(body, { status: 'unavailable', reasons: [`root key: this server does not hold root key ${other.id}, which the store is sealed with`] });
    } finally {
      sqlite.prepare("update meta set value = ? where key = 'root_key_check'").run(stored);
    }
    await readyBecomes(server, 200);
  });
});

const pgSkip = await postgresSkipReason();

describe('readiness on PostgreSQL', { skip: pgSkip }, () => {
  let server: TestServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const logged: string[] = [];
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  const dbName = () => new URL(database.url).pathname.slice(1);

  before(async () => {
    database = await createTestDatabase();
    server = await startTestServer({ databaseUrl: database.url, logger: { error: (msg, fields) => logged.push(`${msg} ${JSON.stringify(fields)}`) } });
  });
  after(async () => {
    await admin(`alter database ${dbName()} allow_connections true`).catch(() => {});
    await server?.close();
    await database?.drop();
  });

  it('is 503 while PostgreSQL refuses the server, with the cause in the log only, and ready again after', async () => {
    await readyBecomes(server, 200);
    await admin(`alter database ${dbName()} allow_connections false`);
    await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${dbName()}' and pid <> pg_backend_pid()`);
    const body = await readyBecomes(server, 503);
    assert.equal(body.status, 'unavailable');
    assert.ok((body.reasons as string[]).includes('store: failed (see the server log)'), JSON.stringify(body));
    assert.doesNotMatch(JSON.stringify(body), /not currently accepting connections|coffer_test_/);
    assert.ok(logged.some((line) => /readiness check failed .*store.*not currently accepting connections/.test(line)), logged.join('\n'));
    assert.equal((await get(server, '/_coffer/health')).status, 200, 'alive: a supervisor must not restart it for a database outage');

    await admin(`alter database ${dbName()} allow_connections true`);
    assert.deepEqual(await readyBecomes(server, 200), { status: 'ready' });
  });
});
