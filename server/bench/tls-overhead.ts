// `npm run bench:tls`: what TLS costs, HTTPS against plain HTTP in the same run. Two `coffer server` processes
// with the same configuration and secrets, one started with --tls-cert/--tls-key (a P-256 certificate from a
// test CA, TLS 1.3), measured in turns:
//   1. connection set-up: N new connections one after another, TCP alone against TCP + a full TLS handshake
//      (no session resumption): the client's wait and the server's CPU per connection. A TCP connection is
//      ready once the kernel accepted it; a TLS one only once a worker process has answered the handshake;
//   2. one GetSecretValue on a new connection each (Connection: close), as a client without keep-alive pays it;
//   3. GetSecretValue over 32 keep-alive connections (wrk when installed, else autocannon): throughput,
//      latency and server CPU per request.
// Tunables: BENCH_SECONDS (per keep-alive round, default 5), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS
// (default 32), BENCH_WORKERS (default one per core), BENCH_HANDSHAKES (default 300).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import autocannon from 'autocannon';
import { createTestCa } from '../test/support/tls-cert.ts';
import { cpuMicros, startBenchServer, type BenchServer } from './coffer-process.ts';
import { wrkAvailable, wrkLoad, type LoadRequest, type LoadResult } from './wrk-load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const workers = process.env.BENCH_WORKERS ?? String(availableParallelism());
const handshakes = Number(process.env.BENCH_HANDSHAKES ?? 300);
const root = new URL('../..', import.meta.url).pathname;
const loadGenerator = process.env.BENCH_LOAD === 'autocannon' || !(await wrkAvailable()) ? 'autocannon' : 'wrk';

interface Target {
  name: string;
  server: BenchServer;
  /** opens a connection (and completes the TLS handshake) and closes it */
  open(): Promise<void>;
  /** one signed GetSecretValue on a new connection */
  once(request: LoadRequest): Promise<void>;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** `n` runs of `step` one after another: the client's wait (ms) at p50 / p99 and the server's CPU (µs) per run. */
async function sequential(target: Target, n: number, step: () => Promise<void>) {
  const times: number[] = [];
  const cpu0 = cpuMicros(target.server.process.pid);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpu = (cpuMicros(target.server.process.pid)! - cpu0!) / n;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), cpu };
}

async function keepAliveLoad(target: Target): Promise<LoadResult & { cpu: number }> {
  const cpu0 = cpuMicros(target.server.process.pid);
  let result: LoadResult;
  if (loadGenerator === 'wrk') result = await wrkLoad(target.server.endpoint, target.server.requests, connections, seconds);
  else {
    const r = await autocannon({ url: target.server.endpoint, connections, duration: seconds, requests: target.server.requests.map((q) => ({ method: 'POST', path: '/', ...q })) });
    result = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
  }
  const cpu = (cpuMicros(target.server.process.pid)! - cpu0!) / (result.rps * seconds);
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${target.name}: errors during the run: ${JSON.stringify(result)}`);
  return { ...result, cpu };
}

function answered(res: import('node:http').IncomingMessage, resolve: () => void, reject: (err: Error) => void): void {
  res.resume();
  res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-tls-'));
  const ca = createTestCa(dir);
  const cert = ca.issue('bench');
  const tls = { certFile: cert.certFile, keyFile: cert.keyFile, caPem: ca.caPem };
  const plain = await startBenchServer({ root, workers, secrets: 100, principal: 'root' });
  const secure = await startBenchServer({ root, workers, secrets: 100, principal: 'root', tls });
  const portOf = (s: BenchServer) => Number(new URL(s.endpoint).port);
  const targets: Target[] = [
    {
      name: 'HTTP',
      server: plain,
      open: () => new Promise((resolve, reject) => tcpConnect(portOf(plain), '127.0.0.1').once('connect', function (this: import('node:net').Socket) { this.destroy(); resolve(); }).once('error', reject)),
      once: (q) => new Promise((resolve, reject) => httpRequest(plain.endpoint, { method: 'POST', headers: q.headers, agent: false }, (res) => answered(res, resolve, reject)).on('error', reject).end(q.body)),
    },
    {
      name: 'HTTPS',
      server: secure,
      open: () =>
        new Promise((resolve, reject) => {
          const socket = tlsConnect({ host: '127.0.0.1', port: portOf(secure), ca: ca.caPem, servername: 'localhost' }, () => {
            socket.destroy();
            resolve();
          });
          socket.once('error', reject);
        }),
      once: (q) => new Promise((resolve, reject) => httpsRequest(secure.endpoint, { method: 'POST', headers: q.headers, agent: false, ca: ca.caPem }, (res) => answered(res, resolve, reject)).on('error', reject).end(q.body)),
    },
  ];
  try {
    // Other work on the machine moves every figure here: the load average says how much there was.
    const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
    console.log(`TLS overhead: ${workers} worker(s) per server, ${availableParallelism()} cores, ${handshakes} sequential connections, ${rounds} keep-alive round(s) of ${seconds}s with ${connections} connections (${loadGenerator}); P-256 certificate, full handshakes; load average ${load()}`);
    for (const t of targets) {
      // Warm-up: JIT, caches, the pool of each worker.
      for (let i = 0; i < 50; i++) await t.once(t.server.requests[i % t.server.requests.length]);
      await keepAliveLoad({ ...t }).catch(() => undefined);
    }
    const row = (label: string, http: number, https: number, unit: string, digits = 2) =>
      `${label.padEnd(48)} HTTP ${http.toFixed(digits).padStart(8)} ${unit}   HTTPS ${https.toFixed(digits).padStart(8)} ${unit}   ×${(https / http).toFixed(2)}`;

    const [openHttp, openHttps] = [await sequential(targets[0], handshakes, targets[0].open), await sequential(targets[1], handshakes, targets[1].open)];
    console.log(row('connection ready (TCP | TCP+TLS), p50', openHttp.p50, openHttps.p50, 'ms', 3));
    console.log(row('connection ready (TCP | TCP+TLS), p99', openHttp.p99, openHttps.p99, 'ms', 3));
    console.log(row('connection ready, server CPU', openHttp.cpu, openHttps.cpu, 'µs', 0));
    let i = 0;
    const next = (t: Target) => () => t.once(t.server.requests[i++ % t.server.requests.length]);
    const [onceHttp, onceHttps] = [await sequential(targets[0], handshakes, next(targets[0])), await sequential(targets[1], handshakes, next(targets[1]))];
    console.log(row('GetSecretValue on a new connection, p50', onceHttp.p50, onceHttps.p50, 'ms', 3));
    console.log(row('GetSecretValue on a new connection, p99', onceHttp.p99, onceHttps.p99, 'ms', 3));
    console.log(row('GetSecretValue on a new connection, server CPU', onceHttp.cpu, onceHttps.cpu, 'µs', 0));

    // Keep-alive: the targets take turns, round after round (the machine's speed drifts).
    const results: Array<{ http: LoadResult & { cpu: number }; https: LoadResult & { cpu: number } }> = [];
    for (let round = 1; round <= rounds; round++) {
      const http = await keepAliveLoad(targets[0]);
      const https = await keepAliveLoad(targets[1]);
      results.push({ http, https });
      console.log(`keep-alive round ${round}: HTTP ${http.rps.toFixed(0)} req/s (${http.cpu.toFixed(0)} µs), HTTPS ${https.rps.toFixed(0)} req/s (${https.cpu.toFixed(0)} µs), ratio ${(https.rps / http.rps).toFixed(2)}`);
    }
    const median = [...results].sort((a, b) => a.https.rps / a.http.rps - b.https.rps / b.http.rps)[Math.floor((results.length - 1) / 2)];
    console.log('keep-alive, the round with the median ratio:');
    console.log(row('  throughput', median.http.rps, median.https.rps, 'req/s', 0));
    console.log(row('  latency p50', median.http.p50, median.https.p50, 'ms'));
    console.log(row('  latency p99', median.http.p99, median.https.p99, 'ms'));
    console.log(row('  server CPU per request', median.http.cpu, median.https.cpu, 'µs', 0));
    console.log(`load average at the end: ${load()}`);
  } finally {
    await plain.stop();
    await secure.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
