// Summaries of what a Coffer process did in the last seconds of a benchmark run (the measured run is the last
// thing a bench:mixed server does before it stops):
//   node --import tsx server/bench/profile-summary.ts cpu <file.cpuprofile> [seconds=15]
//     where the samples of a --cpu-prof profile went: by package or kind of work, then the top functions by self time
//   node --import tsx server/bench/profile-summary.ts statements <dir> [seconds=15]
//     statement-timing.mjs's totals per process over those seconds: time, calls and mean per SQL text, and the
//     worst event-loop delay of each second
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The kind of work a sample's function is, by where its code lives. */
function kindOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (/sqlite-driver/.test(url) && functionName === 'executeQuery') return 'SQLite statements (synchronous: I/O, fsync, lock waits included)';
  if (/better-sqlite3/.test(url)) return 'better-sqlite3 prepare';
  if (/\/kysely\//.test(url)) return 'Kysely (building and compiling queries)';
  if (/\/node_modules\/pg/.test(url)) return 'pg driver';
  if (url === '') return functionName; // (idle), (garbage collector), native calls such as writev
  if (url.startsWith('node:')) return 'Node.js core';
  if (/node_modules\//.test(url)) return url.split('node_modules/').pop()!.split('/')[0];
  return 'Coffer';
}

function summarizeCpu(file: string, seconds: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = profile.endTime - seconds * 1e6;
  const kinds = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, i) => {
    time += profile.timeDeltas[i];
    const weight = profile.timeDeltas[i + 1] ?? 0; // a sample stands for the time until the next one
    if (time < from) return;
    const frame = byId.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}`;
    total += weight;
    kinds.set(kindOf(frame), (kinds.get(kindOf(frame)) ?? 0) + weight);
    functions.set(name, (functions.get(name) ?? 0) + weight);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log(`${file}: the last ${(total / 1e6).toFixed(1)} s\n${top(kinds, 12).join('\n')}\nfunctions by self time:\n${top(functions, 15).join('\n')}`);
}

interface Snapshot {
  time: number;
  loopDelayMaxMs: number;
  totals: Record<string, { calls: number; ms: number; maxMs: number }>;
}

function summarizeStatements(dir: string, seconds: number): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    const snapshots = readFileSync(join(dir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Snapshot);
    const last = snapshots[snapshots.length - 1];
    const first = snapshots[Math.max(0, snapshots.length - 1 - seconds)];
    const rows = Object.entries(last.totals)
      .map(([sql, t]) => ({ sql, calls: t.calls - (first.totals[sql]?.calls ?? 0), ms: t.ms - (first.totals[sql]?.ms ?? 0) }))
      .filter((r) => r.calls > 0)
      .sort((a, b) => b.ms - a.ms);
    const window = (last.time - first.time) / 1000;
    const delays = snapshots.slice(snapshots.indexOf(first) + 1).map((s) => s.loopDelayMaxMs.toFixed(0));
    console.log(`process ${file.replace('.jsonl', '')}, the last ${window.toFixed(0)} s; worst event-loop delay of each second (ms): ${delays.join(' ')}`);
    for (const r of rows.slice(0, 15)) {
      console.log(`${(r.ms / 1000).toFixed(2).padStart(7)} s ${String(r.calls).padStart(7)} calls ${(r.ms / r.calls).toFixed(2).padStart(7)} ms each  ${r.sql}`);
    }
  }
}

const [mode, target, seconds = '15'] = process.argv.slice(2);
if (mode === 'cpu' && target) summarizeCpu(target, Number(seconds));
else if (mode === 'statements' && target) summarizeStatements(target, Number(seconds));
else {
  console.error('usage: profile-summary.ts cpu <file.cpuprofile> [seconds] | statements <dir> [seconds]');
  process.exitCode = 2;
}
