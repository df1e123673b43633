// `npm run bench`: GetSecretValue throughput and latency over keep-alive connections with correctly signed
// requests, against a bare node:http server answering a body of the same size, same load generator and
// connection count, in the same run. Prints both and their ratio. Tunables: BENCH_SECONDS, BENCH_ROUNDS (the
// targets take turns this many times, default 3; the round with the (lower) median ratio is reported), BENCH_CONNECTIONS,
// BENCH_SECRETS, BENCH_WORKERS (Coffer worker processes; default one per core), BENCH_AS (`root`, the default: the
// admin credential, which skips policy evaluation; `user`: an IAM user whose identity policy allows the reads
// under a source-IP condition, so every request is evaluated), BENCH_NODE_ARGS (extra node flags for the Coffer
// process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it), BENCH_LOAD (`autocannon` to use it even
// when wrk is installed; see wrk-load.ts).
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { wrkAvailable, wrkLoad, type LoadRequest, type LoadResult } from './wrk-load.ts';
import { cpuMicros, startBareServer, startBenchServer, type BareServer } from './coffer-process.ts';


const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const secretCount = Number(process.env.BENCH_SECRETS ?? 100);
// A worker per core by default (the server may use every core), sharing them with the load generator.
const workers = process.env.BENCH_WORKERS ?? String(availableParallelism());
// Rounds in which the two targets take turns; the median round's ratio is the result.
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const principal = process.env.BENCH_AS === 'user' ? 'user' : 'root';
const root = new URL('../..', import.meta.url).pathname;

interface Result extends LoadResult {
  /** CPU time (user + system) the server's processes spent per answered request, in microseconds */
  cpuPerRequest: number;
}

/** The load generator: wrk when the machine has it (BENCH_LOAD=autocannon forces autocannon), else autocannon. */
const loadGenerator = process.env.BENCH_LOAD === 'autocannon' || !(await wrkAvailable()) ? 'autocannon' : 'wrk';

async function autocannonLoad(url: string, requests: LoadRequest[]): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1, requests: requests.map((r) => ({ method: 'POST', path: '/', ...r })) });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

async function load(url: string, requests: LoadRequest[], server?: ChildProcess): Promise<Result> {
  const cpuBefore = cpuMicros(server?.pid);
  const result = loadGenerator === 'wrk' ? await wrkLoad(url, requests, connections, seconds) : await autocannonLoad(url, requests);
  const cpuAfter = cpuMicros(server?.pid);
  return {
    ...result,
    cpuPerRequest: cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / (result.rps * seconds) : NaN,
  };
}

async function main(): Promise<void> {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = await startBenchServer({ root, workers, secrets: secretCount, principal, nodeArgs });
  const { endpoint, requests, process: coffer } = server;
  let bare: BareServer | undefined;
  try {
    const probe = await fetch(endpoint, { method: 'POST', headers: requests[0].headers, body: requests[0].body });
    const probeBody = await probe.text();
    if (probe.status !== 200) throw new Error(`probe GetSecretValue failed: ${probe.status} ${probeBody}`);

    bare = await startBareServer(root, probeBody.length);
    const barePort = bare.port;

    console.log(`GetSecretValue benchmark: ${rounds} round(s) of ${seconds}s per target, ${connections} keep-alive connections, ${secretCount} secrets, response ${probeBody.length} bytes, Coffer workers ${workers}, ${availableParallelism()} cores, caller ${principal}, load generator ${loadGenerator}`);
    await load(`http://127.0.0.1:${barePort}`, requests.slice(0, 1)); // warm-up of the load generator itself
    // Warm-up of Coffer (JIT, caches) over every secret: the day's first read of a secret records its
    // LastAccessedDate (a durable write, which also empties every worker's read cache), not a measured one.
    await load(endpoint, requests);
    // The two targets take turns, round after round: a shared machine's speed drifts over a minute by more
    // than the difference being measured, and each round's ratio compares runs seconds apart.
    const row = (name: string, r: Result) =>
      `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   server CPU ${r.cpuPerRequest.toFixed(0).padStart(4)} µs/req   errors ${r.errors}   non-2xx ${r.non2xx}`;
    const results: Array<{ base: Result; ours: Result; ratio: number }> = [];
    for (let round = 1; round <= rounds; round++) {
      const base = await load(`http://127.0.0.1:${barePort}`, requests, bare.process);
      const ours = await load(endpoint, requests, coffer);
      results.push({ base, ours, ratio: ours.rps / base.rps });
      if (rounds > 1) console.log(`round ${round}: bare ${base.rps.toFixed(0)} req/s (${base.cpuPerRequest.toFixed(0)} µs), coffer ${ours.rps.toFixed(0)} req/s (${ours.cpuPerRequest.toFixed(0)} µs), ratio ${(ours.rps / base.rps).toFixed(2)}`);
    }
    const median = [...results].sort((a, b) => a.ratio - b.ratio)[Math.floor((results.length - 1) / 2)];
    if (rounds > 1) console.log(`the round with the median ratio:`);
    console.log(row('bare node:http', median.base));
    console.log(row('coffer GetSecretValue', median.ours));
    console.log(`ratio (coffer / bare): ${median.ratio.toFixed(2)}${rounds > 1 ? `   (rounds: ${results.map((r) => r.ratio.toFixed(2)).join(', ')})` : ''}`);
    console.log(`server CPU per request, coffer / bare: ${(median.ours.cpuPerRequest / median.base.cpuPerRequest).toFixed(1)}x (steadier than throughput on a busy machine)`);
    if (results.some((r) => r.ours.non2xx > 0 || r.ours.errors > 0)) {
      console.error('coffer answered errors during the run: the figures are not valid');
      process.exitCode = 1;
    }
  } finally {
    bare?.stop();
    await server.stop();
  }
}

await main();
