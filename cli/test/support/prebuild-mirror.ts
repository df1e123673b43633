// better-sqlite3's native binary for a test's `npm install`, served where its install script (prebuild-install)
// looks for it when npm_config_better_sqlite3_binary_host names a mirror of the project's GitHub releases.
// Without it the install compiles SQLite from source (about five minutes on our 2-core machine; GitHub itself is
// not reachable here). The binary is the one this checkout's `npm ci` built: the same version, Node ABI and
// platform, packed as the release asset is (build/Release/better_sqlite3.node in a .tar.gz).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

export interface PrebuildMirror {
  /** the environment that points the install script at the mirror */
  env: Record<string, string>;
  /** the URLs the install script fetched */
  fetched: string[];
  /** Stops the mirror and removes what prebuild-install cached from it in npm's cache. */
  close(): Promise<void>;
}

export async function startPrebuildMirror(workDir: string): Promise<PrebuildMirror> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const asset = join(workDir, 'better-sqlite3-prebuild.tar.gz');
  const stage = join(workDir, 'better-sqlite3-prebuild');
  mkdirSync(join(stage, 'build', 'Release'), { recursive: true });
  cpSync(join(packageDir, 'build', 'Release', 'better_sqlite3.node'), join(stage, 'build', 'Release', 'better_sqlite3.node'));
  const tar = spawnSync('tar', ['czf', asset, '-C', stage, 'build'], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('tar could not pack better-sqlite3\'s binary');
  const body = readFileSync(asset);

  const fetched: string[] = [];
  const wanted = `/v${version}/better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}`;
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    if (req.method !== 'GET' || !path.startsWith(wanted) || !path.endsWith(`-${process.arch}.tar.gz`)) {
      res.writeHead(404).end();
      return;
    }
    fetched.push(`${base}${path}`);
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  return {
    env: { npm_config_better_sqlite3_binary_host: base },
    fetched,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // prebuild-install keeps each download in <npm cache>/_prebuilds under a name made from its URL; ours
      // (a port of this run) would never be used again.
      const cache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
      for (const url of fetched) {
        const name = `${createHash('sha512').update(url).digest('hex').slice(0, 6)}-${basename(url).replace(/[^a-zA-Z0-9.]+/g, '-')}`;
        rmSync(join(cache, '_prebuilds', name), { force: true });
      }
    },
  };
}
