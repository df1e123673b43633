// `npm run bench:mixed`: throughput and per-operation latency (p50, p99, p99.9) of a mix of reads and writes,
// every request signed when sent by an IAM user whose identity policy is evaluated, on SQLite and on PostgreSQL
// (a fresh database), each right after a bare node:http server driven by the same client and mix in the same run
// (the reference: what the client and the machine allow). Tunables:
//   BENCH_MIX          `get=90,put=5,describe=2.5,list=2.5` (the default; weights of GetSecretValue, PutSecretValue,
//                      DescribeSecret, ListSecrets), `writes` (PutSecretValue only: durable writes per second),
//                      `reads` (GetSecretValue only)
//   BENCH_STORE        sqlite | postgres | both (default both)
//   BENCH_SECONDS (15), BENCH_CONNECTIONS (64), BENCH_SECRETS (1000), BENCH_WORKERS (Coffer worker processes,
//   default one per core as `npm start`), BENCH_NODE_ARGS (node flags for the Coffer processes, e.g.
//   `--cpu-prof --cpu-prof-dir=/tmp/prof`; its workers inherit them), BENCH_SERVER_LOG (a path prefix: each Coffer
//   server's log goes to <prefix>-<store>.log).
// The client is signed-load.ts (why not wrk or autocannon: there).
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { BENCH_VALUE } from './bench-secrets.ts';
import { cpuMicros, startBareServer, startBenchServer, type BareServer, type BenchServer } from './coffer-process.ts';
import { signedLoad, type LoadOperation, type OperationFigures } from './signed-load.ts';
import { createTestDatabase } from '../test/support/postgres.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const secretCount = Number(process.env.BENCH_SECRETS ?? 1000);
const workers = process.env.BENCH_WORKERS ?? String(availableParallelism());
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const stores = { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] }[process.env.BENCH_STORE ?? 'both'];
const root = new URL('../..', import.meta.url).pathname;

const MIXES: Record<string, string> = { default: 'get=90,put=5,describe=2.5,list=2.5', writes: 'put=100', reads: 'get=100' };
const mixText = MIXES[process.env.BENCH_MIX ?? 'default'] ?? process.env.BENCH_MIX!;

if (!stores) throw new Error(`BENCH_STORE must be sqlite, postgres or both, not ${process.env.BENCH_STORE}`);

/** The operations of the mix over `names`, each body new per call (a PutSecretValue needs its own token). */
function operations(names: string[]): LoadOperation[] {
  const anySecret = () => names[Math.floor(Math.random() * names.length)];
  let written = 0;
  const bodies: Record<string, () => Record<string, unknown>> = {
    get: () => ({ SecretId: anySecret() }),
    put: () => ({ SecretId: anySecret(), ClientRequestToken: randomUUID(), SecretString: `${BENCH_VALUE} ${++written}` }),
    describe: () => ({ SecretId: anySecret() }),
    list: () => ({ MaxResults: 20 }),
  };
  const awsNames: Record<string, string> = { get: 'GetSecretValue', put: 'PutSecretValue', describe: 'DescribeSecret', list: 'ListSecrets' };
  return mixText.split(',').map((part) => {
    const [key, weight] = part.split('=');
    if (!bodies[key] || !(Number(weight) > 0)) throw new Error(`BENCH_MIX: "${part}" is not one of get|put|describe|list=<weight>`);
    return { name: awsNames[key], weight: Number(weight), body: () => JSON.stringify(bodies[key]()) };
  });
}

operations([]); // a malformed BENCH_MIX fails here, before any server starts

const ACTIONS = ['GetSecretValue', 'PutSecretValue', 'DescribeSecret', 'ListSecrets'].map((a) => `secretsmanager:${a}`);

interface Run {
  figures: OperationFigures[];
  /** CPU time (user + system) the target's processes spent per answered request, in microseconds */
  cpuPerRequest: number;
  /** the same for this process, the client (signing most of it) */
  clientCpuPerRequest: number;
}

async function run(server: BenchServer, port: number, pid: number | undefined, secs = seconds): Promise<Run> {
  const before = cpuMicros(pid);
  const client = process.cpuUsage();
  const figures = await signedLoad({ port, signer: server.signer, targetPrefix: 'secretsmanager', operations: operations(server.names), connections, seconds: secs });
  const after = cpuMicros(pid);
  const clientCpu = process.cpuUsage(client);
  return {
    figures,
    cpuPerRequest: before !== undefined && after !== undefined ? (after - before) / figures[0].count : NaN,
    clientCpuPerRequest: (clientCpu.user + clientCpu.system) / figures[0].count,
  };
}

/**
 * Sends each operation of the mix for a moment, so a policy or a body that fails shows before the load, and
 * reads every secret once; returns the size of a GetSecretValue answer (the bare server's answer).
 */
async function probe(server: BenchServer): Promise<number> {
  for (const op of operations(server.names)) {
    const figures = await signedLoad({ port: server.port, signer: server.signer, targetPrefix: 'secretsmanager', operations: [op], connections: 1, seconds: 0.2 });
    if (figures[0].errors > 0) throw new Error(`probe ${op.name} failed: ${figures[0].firstError}`);
  }
  // The first read of a secret in a day records its LastAccessedDate, a write: read each one now, so the
  // figures are of the steady state, not of the day's first pass over the secrets. One at a time: that write is
  // a statement of its own, which SQLite refuses ("database is locked", a 500) when another process writes at
  // that moment (docs/benchmarks.md); the measured run counts such answers as errors.
  let bytes = 0;
  for (const { headers, body } of server.requests) {
    const res = await fetch(server.endpoint, { method: 'POST', headers, body });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GetSecretValue failed: ${res.status} ${text}`);
    bytes = text.length;
  }
  return bytes;
}

function print(target: string, result: Run): void {
  for (const f of result.figures) {
    const cpu = f.name === 'all' ? `${result.cpuPerRequest.toFixed(0).padStart(6)}` : ''.padStart(6);
    console.log(
      `${(f.name === 'all' ? target : '').padEnd(18)} ${f.name.padEnd(15)} ${f.rps.toFixed(0).padStart(7)} ${f.p50.toFixed(2).padStart(8)} ${f.p99.toFixed(2).padStart(8)} ${f.p999.toFixed(2).padStart(9)} ${cpu} ${String(f.errors).padStart(7)}`,
    );
  }
  const total = result.figures[0];
  console.log(`${''.padEnd(18)} client CPU ${result.clientCpuPerRequest.toFixed(0)} µs per request`);
  if (total.errors > 0) console.log(`  first error: ${total.firstError}`);
}

async function main(): Promise<void> {
  console.log(
    `mixed load: ${seconds} s per target, ${connections} keep-alive connections, mix ${mixText}, ${secretCount} secrets, ` +
      `Coffer workers ${workers}, ${availableParallelism()} cores, caller an IAM user (policy evaluated), every request signed when sent`,
  );
  let bare: BareServer | undefined;
  let failed = false;
  try {
    for (const store of stores!) {
      const database = store === 'postgres' ? await createTestDatabase() : undefined;
      const server = await startBenchServer({ root, workers, secrets: secretCount, principal: 'user', actions: ACTIONS, databaseUrl: database?.url, nodeArgs, logFile: process.env.BENCH_SERVER_LOG && `${process.env.BENCH_SERVER_LOG}-${store}.log` }).catch(async (err: unknown) => {
        await database?.drop();
        throw err;
      });
      try {
        const getBytes = await probe(server);
        bare ??= await startBareServer(root, getBytes);
        await run(server, server.port, undefined, 2); // warm-up (JIT, caches)
        const reference = await run(server, bare.port, bare.process.pid);
        const ours = await run(server, server.port, server.process.pid);
        console.log(`\n${'target'.padEnd(18)} ${'operation'.padEnd(15)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p99.9 ms'.padStart(9)} ${'µs CPU'.padStart(6)} ${'errors'.padStart(7)}`);
        print('bare node:http', reference);
        print(`coffer ${store}`, ours);
        failed ||= ours.figures[0].errors > 0;
      } finally {
        await server.stop();
        await database?.drop();
      }
    }
    console.log('\nµs CPU: CPU time (user + system) of the target\'s processes per answered request; latency excludes the client\'s signing.');
    if (failed) {
      console.error('coffer answered errors during the run: the figures are not valid');
      process.exitCode = 1;
    }
  } finally {
    bare?.stop();
  }
}

await main();
