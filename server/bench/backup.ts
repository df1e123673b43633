// `npm run bench:backup [secrets]`: how long `coffer admin backup` takes and how large the backup is for a store
// of N secrets (default 10,000), and how long the restore takes. A `coffer server --workers 2` in a child
// process holds the store (its audit trail holds each CreateSecret); the backup runs in this process while idle,
// then through the real binary while 4 writers keep calling PutSecretValue, and the restore checks that copy
// and brings it back into a fresh data directory. BENCH_STORE=postgres runs
// it on a temporary PostgreSQL database (pg_dump / pg_restore) instead of SQLite.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { backupStore, restoreStore } from '../src/index.ts';
import { spawnServer, COFFER_BIN } from '../test/store/server-process.ts';
import { readCredentials } from '../test/support/test-server.ts';
import { createTestDatabase } from '../test/support/postgres.ts';

const count = Number(process.argv[2] ?? 10_000);
const postgres = process.env.BENCH_STORE === 'postgres';
/** A database credential of the usual size (as the GetSecretValue benchmarks store). */
const VALUE = JSON.stringify({ username: 'bench', password: 'x'.repeat(32), host: 'db.internal', port: 5432 });

const work = mkdtempSync(join(tmpdir(), 'coffer-bench-backup-'));
const databases = postgres ? [await createTestDatabase(), await createTestDatabase()] : [];
const dataDir = join(work, 'data');
const server = await spawnServer({ dataDir, args: ['--workers', '2', ...(postgres ? ['--database-url', databases[0].url] : [])] });
const client = new SecretsManagerClient({ endpoint: server.url, region: 'us-east-1', credentials: readCredentials(join(dataDir, 'credentials')), maxAttempts: 1 });
try {
  let created = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (created < count) {
        const i = created++;
        await client.send(new CreateSecretCommand({ Name: `bench/secret-${i}`, SecretString: VALUE }));
      }
    }),
  );
  console.log(`store: ${postgres ? 'PostgreSQL' : 'SQLite'}, ${count} secrets created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const source = { dataDir, databaseUrl: databases[0]?.url };

  for (let round = 1; round <= 3; round++) {
    const r = await backupStore({ ...source, out: join(work, 'idle.backup') });
    console.log(`backup, idle (round ${round}): ${r.seconds.toFixed(2)} s, ${(r.bytes / 1e6).toFixed(1)} MB`);
  }

  // Under load, through the real binary: in this process the backup's one synchronous step would stop the
  // writers, which run here too. Its `Seconds` is the backup itself; the wall time adds loading the command.
  let stopping = false;
  let writes = 0;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let j = 0; !stopping; j++) {
      await client.send(new PutSecretValueCommand({ SecretId: `bench/secret-${(w * 997 + j) % count}`, SecretString: `${VALUE}-${j}` }));
      writes++;
    }
  });
  await new Promise((r) => setTimeout(r, 1000));
  const before = writes;
  const t1 = performance.now();
  const cli = [COFFER_BIN, 'admin', 'backup', '--data-dir', dataDir, ...(postgres ? ['--database-url', databases[0].url] : []), '--out', join(work, 'loaded.backup')];
  const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, cli, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('close', (code) => resolve({ code, out, err }));
  });
  const wall = (performance.now() - t1) / 1000;
  const during = writes - before;
  stopping = true;
  await Promise.all(writers);
  if (run.code !== 0) throw new Error(`coffer admin backup failed: ${run.err}`);
  const loaded = JSON.parse(run.out) as { Seconds: number; Bytes: number };
  console.log(
    `coffer admin backup, 4 writers running: ${loaded.Seconds.toFixed(2)} s, ${(loaded.Bytes / 1e6).toFixed(1)} MB; ${wall.toFixed(2)} s wall with loading the command (${during} writes acknowledged meanwhile)`,
  );

  const t2 = performance.now();
  const restored = await restoreStore({
    from: join(work, 'loaded.backup'),
    dataDir: join(work, 'restored'),
    rootKeyFile: join(dataDir, 'root.key'),
    databaseUrl: databases[1]?.url,
  });
  console.log(
    `restore (checks included: ${restored.keyMaterials} key materials, ${restored.accessKeys} access keys, ${restored.auditEvents} audit events): ${((performance.now() - t2) / 1000).toFixed(2)} s`,
  );
} finally {
  client.destroy();
  await server.stop();
  for (const db of databases) await db.drop();
  rmSync(work, { recursive: true, force: true });
}
