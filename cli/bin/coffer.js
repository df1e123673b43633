#!/usr/bin/env node
// Entry of the `coffer` command.
//
// Client verbs run from one ES module that esbuild bundles from cli/src (packages stay imports), cached in
// cli/node_modules/.cache/coffer-cli/ under a name derived from the sources' paths, sizes and modification
// times, so an edit rebuilds it on the next run. Starting from the bundle takes ~0.2 s where loading the
// TypeScript through tsx's loader takes ~0.8 s, a cost every `coffer get` in a script would pay.
// `coffer server` (and `coffer admin backup|restore`) runs from a second bundle, built the same way with the server (server/src) inside it: the
// server then runs without tsx's loader and the helpers it adds to every function, which made GetSecretValue
// cost about 15% more CPU (measured with `npm run bench`). COFFER_CLI_NO_BUNDLE=1, or a bundle that cannot be
// built or loaded, take the tsx path: cli/src/main.ts through tsx, as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function loadThroughTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src/main.ts');
}

function sourcesFingerprint(dirs) {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (name.endsWith('.ts')) hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const dir of dirs) walk(dir);
  const pkg = statSync(join(cliDir, 'package.json'));
  hash.update(`package.json\0${pkg.size}\0${pkg.mtimeMs}\n`);
  return hash.digest('hex').slice(0, 16);
}

const repoDir = join(cliDir, '..');

/** The client verbs' bundle, or with `server` the one that also holds the server (@coffer/server's sources). */
async function loadBundle(server) {
  const cacheDir = join(cliDir, 'node_modules', '.cache', 'coffer-cli');
  const prefix = server ? 'server-' : 'main-';
  const name = `${prefix}${sourcesFingerprint(server ? [join(cliDir, 'src'), join(repoDir, 'server', 'src')] : [join(cliDir, 'src')])}.mjs`;
  const bundle = join(cacheDir, name);
  if (!existsSync(bundle)) {
    const { buildSync } = await import('esbuild');
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${bundle}.${process.pid}.partial`;
    buildSync({
      entryPoints: [join(cliDir, 'src', 'main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      // the workspace package is bundled from its sources (a path, so `packages: 'external'` does not apply)
      ...(server ? { alias: { '@coffer/server': join(repoDir, 'server', 'src', 'index.ts') } } : {}),
      outfile: partial,
      logLevel: 'silent',
    });
    renameSync(partial, bundle); // atomic: concurrent first runs each build, one wins, none reads half a file
    for (const old of readdirSync(cacheDir)) if (old !== name && old.startsWith(prefix)) rmSync(join(cacheDir, old), { force: true });
  }
  return import(pathToFileURL(bundle).href);
}

// `coffer server`, `coffer admin backup` and `coffer admin restore` run the server's code.
const runsServerCode = argv.includes('server') || (argv.includes('admin') && (argv.includes('backup') || argv.includes('restore')));

let cli;
if (process.env.COFFER_CLI_NO_BUNDLE === '1') {
  cli = await loadThroughTsx();
} else {
  try {
    cli = await loadBundle(runsServerCode);
  } catch {
    cli = await loadThroughTsx();
  }
}
await cli.main(argv);
