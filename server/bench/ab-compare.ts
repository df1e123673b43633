// `npm run bench:ab -- <other checkout>`: server CPU time per GetSecretValue of this checkout (B) against another
// one (A: say a git worktree of the commit before a change, its node_modules linked to this one's). Both servers
// run at once and take turns under the same wrk load in short rounds (which of them goes first alternates), so
// each pair of figures is measured seconds apart; the result is the median of the paired ratios B/A.
// On a shared machine whose speed drifts by more than most changes, that is steadier than two `npm run bench`
// runs. It is still noisy: the same checkout against itself gave 1.01 and 1.04, and single rounds move by ±20%,
// so a change of a few percent needs several runs. Tunables: AB_ROUNDS (20), AB_SECONDS (2), BENCH_WORKERS (one
// per core), BENCH_CONNECTIONS (32), BENCH_SECRETS (100), BENCH_AS (`root` or `user`, as in `npm run bench`). Needs wrk.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpuMicros, startBenchServer, type BenchServer } from './coffer-process.ts';
import { wrkAvailable, wrkLoad } from './wrk-load.ts';

const other = process.argv[2];
const rounds = Number(process.env.AB_ROUNDS ?? 20);
const seconds = Number(process.env.AB_SECONDS ?? 2);
const workers = process.env.BENCH_WORKERS ?? String(availableParallelism());
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const secrets = Number(process.env.BENCH_SECRETS ?? 100);
const principal = process.env.BENCH_AS === 'user' ? 'user' : 'root';
const here = new URL('../..', import.meta.url).pathname;

if (!other || !existsSync(join(other, 'cli/bin/coffer.js'))) {
  console.error('usage: npm run bench:ab -- <path of another Coffer checkout>\n  e.g. git worktree add /tmp/base HEAD~1 && ln -s "$PWD/node_modules" /tmp/base/node_modules');
  process.exit(2);
}
if (!(await wrkAvailable())) {
  console.error('bench:ab needs wrk (Debian package wrk): its load must cost the machine little and the same for both servers');
  process.exit(2);
}

/** Server CPU time per answered request over one run, in microseconds. */
async function cpuPerRequest(server: BenchServer): Promise<{ micros: number; rps: number }> {
  const before = cpuMicros(server.process.pid) ?? NaN;
  const result = await wrkLoad(server.endpoint, server.requests, connections, seconds);
  const after = cpuMicros(server.process.pid) ?? NaN;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`errors during the run: ${JSON.stringify(result)}`);
  return { micros: (after - before) / (result.rps * seconds), rps: result.rps };
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)];

const a = await startBenchServer({ root: resolve(other), workers, secrets, principal });
const b = await startBenchServer({ root: here, workers, secrets, principal }).catch(async (err: unknown) => {
  await a.stop();
  throw err;
});
try {
  console.log(`A: ${resolve(other)}   B: ${here}   ${rounds} rounds of ${seconds}s each, caller ${principal}, ${connections} connections, ${workers} workers, ${availableParallelism()} cores`);
  await cpuPerRequest(a); // warm-up (JIT, caches)
  await cpuPerRequest(b);
  const ratios: number[] = [];
  const rpsRatios: number[] = [];
  const cpu = { a: [] as number[], b: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
    const one = await cpuPerRequest(first);
    const two = await cpuPerRequest(second);
    const [ra, rb] = first === a ? [one, two] : [two, one];
    cpu.a.push(ra.micros);
    cpu.b.push(rb.micros);
    ratios.push(rb.micros / ra.micros);
    rpsRatios.push(rb.rps / ra.rps);
    console.log(`round ${round + 1}: A ${ra.micros.toFixed(1)} µs/req (${ra.rps.toFixed(0)} req/s)   B ${rb.micros.toFixed(1)} µs/req (${rb.rps.toFixed(0)} req/s)   B/A ${(rb.micros / ra.micros).toFixed(3)}`);
  }
  console.log(`median: A ${median(cpu.a).toFixed(1)} µs/req, B ${median(cpu.b).toFixed(1)} µs/req; median of the paired ratios B/A ${median(ratios).toFixed(3)}; of throughput B/A ${median(rpsRatios).toFixed(3)}`);
} finally {
  await Promise.all([a.stop(), b.stop()]);
}
