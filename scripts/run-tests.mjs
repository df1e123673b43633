// Runs every *.test.ts file under server/, cli/ and console/test with Node's own test runner (Node 20 has no glob
// support in `node --test`, so the files are listed here). Extra args filter by path substring.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['server/src', 'server/test', 'cli/src', 'cli/test', 'console/test'];
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts') && (filters.length === 0 || filters.some((f) => path.includes(f)))) files.push(path);
  }
}
roots.forEach(walk);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The console's files are compiled with console/tsconfig.json (JSX, DOM), which tsx takes from
// TSX_TSCONFIG_PATH; the rest keep the root tsconfig.json. Hence two runs.
const isConsole = (f) => f.startsWith(join('console', ''));
const runs = [
  { files: files.filter((f) => !isConsole(f)), env: process.env },
  { files: files.filter(isConsole), env: { ...process.env, TSX_TSCONFIG_PATH: join('console', 'tsconfig.json') } },
].filter((r) => r.files.length > 0);
let status = 0;
for (const run of runs) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...run.files], { stdio: 'inherit', env: run.env });
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
