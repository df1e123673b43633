// Replication through boto3 (python/boto3_replication.py), on SQLite and PostgreSQL: a primary and its
// replicas in other regions of one server, changes reaching them, conflicts, removal and promotion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cofferProfileEnv, findAwsTools, run } from '../support/aws-tools.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { BACKENDS } from '../access/helpers.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'python', 'boto3_replication.py');
const SCENARIOS = ['replicate_read_change', 'conflict_force_remove_promote'];
const tools = await findAwsTools({ boto3: true });
const missing = 'missing' in tools ? tools.missing : undefined;

for (const backend of BACKENDS) describe(`e2e: replication through boto3 (${backend.name})`, { skip: missing ?? backend.skip }, () => {
  let server: TestServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;

  before(async () => {
    database = backend.name === 'postgres' ? await createTestDatabase() : undefined;
    server = await startTestServer({ databaseUrl: database?.url });
  });
  after(async () => {
    await server?.close();
    await database?.drop();
  });

  test('every replication scenario passes', async () => {
    const { python } = tools as { python: string };
    const result = await run(python, [SCRIPT], { ...cofferProfileEnv(server.dataDir), COFFER_ENDPOINT: server.endpoint }, 120_000);
    const reports = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { scenario: string; ok: boolean; error?: string; trace?: string });
    const failed = reports.filter((r) => !r.ok).map((r) => `${r.scenario}: ${r.error}\n${r.trace}`);
    assert.deepEqual(failed, [], `boto3 replication scenarios failed:\n${failed.join('\n')}\n${result.stderr}`);
    assert.deepEqual(reports.map((r) => r.scenario), SCENARIOS, `every scenario ran:\n${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
  });
});
