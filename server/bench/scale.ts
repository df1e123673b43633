// `npm run bench:scale`: does Coffer stay as fast with a million secrets as with a thousand? For each store size
// (1,000, then BENCH_SECRETS, default 1,000,000) in the same run: seeds the secrets in bulk (scale-seed.ts: the
// rows CreateSecret writes, checked here against a CreateSecret, without audit events), starts `coffer server`
// (default configuration: one worker per core) on that store and reports start-up time (process start to the
// first answered API request), the resident memory of all server processes (primary and workers, from /proc;
// summed, and with the pages they share counted once), and p50/p99 latency of GetSecretValue and DescribeSecret
// over random secrets and of ListSecrets pages (no filter, filters, both sort orders, a few NextTokens deep). SQLite by default; BENCH_STORE=postgres uses a
// scratch PostgreSQL database, dropped at the end. Tunables: BENCH_SECONDS (per operation, default 5),
// BENCH_CONNECTIONS (default 8), BENCH_WORKERS (default: the server's default), BENCH_KEEP=1 keeps the data
// directory (its path is printed), BENCH_ONLY=<regex> measures only the rows whose label matches. The client is
// signed-load.ts. The coffer command is built first, so start-up time does not include a rebuild.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { smithySigner } from '../src/auth/sigv4/test-signer.ts';
import { readCredentials } from '../test/support/test-server.ts';
import { createTestDatabase } from '../test/support/postgres.ts';
import { BENCH_VALUE } from './bench-secrets.ts';
import { descendantPids, freePort } from './coffer-process.ts';
import { benchDescription, benchName, benchTags, REGION, seedSecrets } from './scale-seed.ts';
import { signedLoad, type OperationFigures } from './signed-load.ts';

const big = Number(process.env.BENCH_SECRETS ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const postgres = process.env.BENCH_STORE === 'postgres';
const root = new URL('../..', import.meta.url).pathname;
const only = new RegExp(process.env.BENCH_ONLY ?? '');

/**
 * Resident memory of a process and its descendants, in MB: `rss` sums each process's VmRSS (so the pages of the
 * node binary and libraries, shared by all of them, count once per process); `held` counts them once: the sum
 * of the anonymous (private) resident memory plus the largest file-backed resident set.
 */
function memoryMb(pid: number): { rss: number; held: number } {
  let rss = 0;
  let anon = 0;
  let file = 0;
  for (const p of [pid, ...descendantPids(pid)]) {
    const status = readFileSync(`/proc/${p}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    rss += kb('VmRSS');
    anon += kb('RssAnon');
    file = Math.max(file, kb('RssFile'));
  }
  return { rss: rss / 1024, held: (anon + file) / 1024 };
}

interface Server {
  child: ChildProcess;
  port: number;
  startupMs: number;
  client: SecretsManagerClient;
  signer: ReturnType<typeof smithySigner>;
  stop(): Promise<void>;
}

async function startServer(dataDir: string, databaseUrl: string | undefined): Promise<Server> {
  const port = await freePort();
  const workers = process.env.BENCH_WORKERS ? ['--workers', process.env.BENCH_WORKERS] : [];
  const credentials = readCredentials(join(dataDir, 'credentials'));
  const client = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials, maxAttempts: 1 });
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'cli/bin/coffer.js'), 'server', '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn', ...workers, ...(databaseUrl ? ['--database-url', databaseUrl] : [])], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    client.destroy();
    if (child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  // Start-up ends with the first answered API request: poll until one is.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`coffer server exited (${child.exitCode}) before it answered`);
    try {
      await client.send(new GetSecretValueCommand({ SecretId: benchName(0) }));
      break;
    } catch (err) {
      if (!/ECONNREFUSED|ECONNRESET|socket hang up/.test(String((err as Error).message ?? err) + String((err as { code?: string }).code))) {
        await stop();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const startupMs = performance.now() - started;
  return { child, port, startupMs, client, signer: smithySigner(credentials, REGION, 'secretsmanager'), stop };
}

/**
 * A secret made by CreateSecret next to a seeded one: the same columns set (and unset) in every table it
 * writes, so the seeded store is the one CreateSecret would have made. Throws on a difference.
 */
async function checkSeededRows(server: Server, dataDir: string, databaseUrl: string | undefined): Promise<void> {
  const i = 100; // has both tags and the longer description
  await server.client.send(new CreateSecretCommand({ Name: 'bench/reference', SecretString: BENCH_VALUE, Description: benchDescription(i), Tags: benchTags(i) }));
  const query = async (sql: string, name: string): Promise<Array<Record<string, unknown>>> => {
    if (!databaseUrl) {
      const db = new Sqlite(join(dataDir, 'coffer.db'), { readonly: true });
      try {
        return db.prepare(sql.replace('$1', '?')).all(name) as Array<Record<string, unknown>>;
      } finally {
        db.close();
      }
    }
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      return (await c.query(sql, [name])).rows;
    } finally {
      await c.end();
    }
  };
  const shape = (rows: Array<Record<string, unknown>>) =>
    JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : typeof v === 'object' ? 'bytes' : typeof v]))));
  for (const table of ['secrets', 'secret_versions', 'secret_version_stages', 'secret_tags']) {
    const sql = table === 'secrets' ? 'select * from secrets where name = $1' : `select t.* from ${table} t join secrets s on s.id = t.secret_id where s.name = $1`;
    const [made, seeded] = [await query(sql, 'bench/reference'), await query(sql, benchName(i))];
    if (made.length !== seeded.length || shape(made) !== shape(seeded)) throw new Error(`seeded ${table} rows differ from CreateSecret's:\n${shape(made)}\n${shape(seeded)}`);
  }
}

interface Measured {
  secrets: number;
  seedSeconds: number;
  startupMs: number;
  memoryIdle: { rss: number; held: number };
  memoryAfter: { rss: number; held: number };
  figures: Map<string, OperationFigures>;
}

/** The measured requests: a label, the AWS operation and a body per call. */
async function cases(server: Server, count: number): Promise<Array<{ label: string; op: string; body: () => string }>> {
  const any = () => benchName(Math.floor(Math.random() * count));
  // A few pages deep: the NextToken of page 5 of the default listing (keyset tokens stay valid).
  let token: string | undefined;
  for (let p = 0; p < 5; p++) token = (await server.client.send(new ListSecretsCommand({ MaxResults: 100, NextToken: token }))).NextToken;
  if (!token) throw new Error('ListSecrets has fewer than 6 pages');
  // Secrets read once already: their reads write no LastAccessedDate (once a day per secret and version).
  const warm = Array.from({ length: Math.min(count, 1000) }, any);
  for (const name of warm) await server.client.send(new GetSecretValueCommand({ SecretId: name }));
  const list = (input: Record<string, unknown>) => () => JSON.stringify({ MaxResults: 100, ...input });
  return [
    { label: 'Get (read before)', op: 'GetSecretValue', body: () => JSON.stringify({ SecretId: warm[Math.floor(Math.random() * warm.length)] }) },
    { label: 'Get (any)', op: 'GetSecretValue', body: () => JSON.stringify({ SecretId: any() }) },
    { label: 'Describe (any)', op: 'DescribeSecret', body: () => JSON.stringify({ SecretId: any() }) },
    { label: 'List', op: 'ListSecrets', body: list({}) },
    { label: 'List desc', op: 'ListSecrets', body: list({ SortOrder: 'desc' }) },
    { label: 'List by name', op: 'ListSecrets', body: list({ SortBy: 'name' }) },
    { label: 'List page 6', op: 'ListSecrets', body: list({ NextToken: token }) },
    { label: 'List name 11%', op: 'ListSecrets', body: list({ Filters: [{ Key: 'name', Values: ['bench/secret-1'] }] }) },
    { label: 'List name exact', op: 'ListSecrets', body: () => JSON.stringify({ MaxResults: 100, Filters: [{ Key: 'name', Values: [any()] }] }) },
    { label: 'List tag-key 1%', op: 'ListSecrets', body: list({ Filters: [{ Key: 'tag-key', Values: ['pci'] }] }) },
    { label: 'List descr. 1%', op: 'ListSecrets', body: list({ Filters: [{ Key: 'description', Values: ['audited'] }] }) },
    { label: 'List descr. 1% desc', op: 'ListSecrets', body: list({ Filters: [{ Key: 'description', Values: ['audited'] }], SortOrder: 'desc' }) },
  ];
}

async function measure(count: number): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-bench-scale-'));
  const database = postgres ? await createTestDatabase() : undefined;
  try {
    const t0 = performance.now();
    let shown = 0;
    await seedSecrets(dataDir, database?.url, count, (done) => {
      if (done - shown >= 100_000) console.log(`  seeded ${(shown = done)} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    });
    const seedSeconds = (performance.now() - t0) / 1000;
    console.log(`${count} secrets seeded in ${seedSeconds.toFixed(1)} s`);
    const server = await startServer(dataDir, database?.url);
    try {
      await checkSeededRows(server, dataDir, database?.url);
      const memoryIdle = memoryMb(server.child.pid!);
      const figures = new Map<string, OperationFigures>();
      for (const c of (await cases(server, count)).filter((c) => only.test(c.label))) {
        const [f] = await signedLoad({ port: server.port, signer: server.signer, targetPrefix: 'secretsmanager', operations: [{ name: c.op, weight: 1, body: c.body }], connections, seconds });
        if (f.errors > 0) throw new Error(`${c.label}: ${f.errors} errors, first: ${f.firstError}`);
        figures.set(c.label, f);
      }
      return { secrets: count, seedSeconds, startupMs: server.startupMs, memoryIdle, memoryAfter: memoryMb(server.child.pid!), figures };
    } finally {
      await server.stop();
    }
  } finally {
    await database?.drop();
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(small: Measured, large: Measured): void {
  const n = (m: Measured) => m.secrets.toLocaleString('en');
  console.log(`\nstore ${postgres ? 'PostgreSQL' : 'SQLite'}, ${connections} connections, ${seconds} s per row; latency in ms`);
  console.log(`${''.padEnd(20)} ${`${n(small)} secrets`.padStart(24)} ${`${n(large)} secrets`.padStart(26)}`);
  console.log(`${'operation'.padEnd(20)} ${'req/s'.padStart(8)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}   ${'req/s'.padStart(8)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}`);
  for (const [label, a] of small.figures) {
    const b = large.figures.get(label);
    const cols = (f: OperationFigures) => `${f.rps.toFixed(0).padStart(8)} ${f.p50.toFixed(2).padStart(7)} ${f.p99.toFixed(2).padStart(7)}`;
    console.log(`${label.padEnd(20)} ${cols(a)}   ${b ? cols(b) : ''}`);
  }
  for (const m of [small, large]) {
    const mem = (x: { rss: number; held: number }) => `${x.rss.toFixed(0)} MB RSS summed, ${x.held.toFixed(0)} MB held (shared pages once)`;
    console.log(`${n(m)} secrets: seeded in ${m.seedSeconds.toFixed(1)} s; start-up ${m.startupMs.toFixed(0)} ms; all server processes: ${mem(m.memoryIdle)} after start-up, ${mem(m.memoryAfter)} after the load`);
  }
}

// @ts-expect-error: the build script is plain JavaScript
await (await import('../../scripts/build-cli.mjs')).ensureCliBuilt();
const small = await measure(1000);
const large = await measure(big);
print(small, large);
