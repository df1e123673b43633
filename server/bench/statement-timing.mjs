// A preload for profiling a Coffer server under load (bench only, never in production):
//   BENCH_NODE_ARGS="--import $PWD/server/bench/statement-timing.mjs" STATEMENT_TIMING_DIR=/tmp/timing npm run bench:mixed
// In every Coffer process (workers inherit the flag) it times each better-sqlite3 statement call and each pg
// query by its SQL text (a better-sqlite3 call is synchronous: its time is event-loop time, fsync and lock waits
// included; a pg query's is its round trip), and samples event-loop delay. Once a second it appends the running
// totals to <dir>/<pid>.jsonl; `node --import tsx server/bench/profile-summary.ts statements <dir>` reads them.
// Plain JavaScript: the server runs its compiled bundle, without a TypeScript loader.
import { appendFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.STATEMENT_TIMING_DIR ?? '/tmp/coffer-statement-timing';
const require = createRequire(new URL('../../package.json', import.meta.url));
/** running totals by SQL text: calls, milliseconds, the longest call */
const totals = {};

function record(key, started) {
  const ms = performance.now() - started;
  const entry = (totals[key] ??= { calls: 0, ms: 0, maxMs: 0 });
  entry.calls++;
  entry.ms += ms;
  if (ms > entry.maxMs) entry.maxMs = ms;
}

const sqlKey = (text) => text.replace(/\s+/g, ' ').slice(0, 80);

const Database = require('better-sqlite3');
const timed = new WeakSet();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (source, ...rest) {
  const started = performance.now();
  const statement = prepare.call(this, source, ...rest);
  record('(better-sqlite3 prepare)', started);
  const proto = Object.getPrototypeOf(statement);
  if (!timed.has(proto)) {
    timed.add(proto);
    for (const method of ['run', 'all', 'get']) {
      const original = proto[method];
      proto[method] = function (...args) {
        const began = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          record(sqlKey(this.source), began);
        }
      };
    }
  }
  return statement;
};

const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const started = performance.now();
  const key = `pg: ${sqlKey(typeof config === 'string' ? config : (config?.text ?? '?'))}`;
  const result = query.call(this, config, ...rest);
  if (typeof result?.then === 'function') result.then(() => record(key, started), () => record(key, started));
  return result;
};

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
mkdirSync(dir, { recursive: true });
setInterval(() => {
  appendFileSync(`${dir}/${process.pid}.jsonl`, `${JSON.stringify({ time: Date.now(), loopDelayMaxMs: delay.max / 1e6, totals })}\n`);
  delay.reset();
}, 1000).unref();
