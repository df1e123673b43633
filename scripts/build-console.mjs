// Builds the web console (console/dist) when it is missing or older than its sources, so `npm start` and
// `npm test` serve the current console without a separate step. A fresh build takes a couple of seconds;
// an up-to-date one is skipped. Without Vite (an install with --omit=dev) it warns and leaves the server to
// answer / with a "not built" page.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const consoleDir = join(root, 'console');
const built = join(consoleDir, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(consoleDir, p)).filter(existsSync);
const force = process.argv.includes('--force');
if (!force && existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newest))) process.exit(0);

let vite;
try {
  vite = join(dirname(createRequire(join(consoleDir, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.warn('coffer: Vite is not installed (npm install without --omit=dev builds the console); the console is not built.');
  process.exit(0);
}
console.error('coffer: building the web console (console/dist)…');
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'inherit' });
process.exit(result.status ?? 1);
