// Compiles the `coffer` command to JavaScript: esbuild bundles cli/src into cli/dist/main.js, with the server
// (server/src, the workspace package @coffer/server) in a chunk of its own that only `coffer server` loads, so
// client verbs do not pay for importing the server. npm packages stay imports (the installed package declares
// them). Used by `npm run build` (also run by `npm install` through the root `prepare` script) and by
// cli/bin/coffer.js, which calls ensureCliBuilt() in a development checkout so an edit shows on the next run.
//
//   node scripts/build-cli.mjs           build when cli/dist is missing or older than the sources
//   node scripts/build-cli.mjs --force   build in any case
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(root, 'cli');
const serverDir = join(root, 'server');
export const CLI_DIST = join(cliDir, 'dist');
/** What the last build was made from, the files it wrote and the npm packages they import (for scripts/pack.mjs). */
export const BUILD_INFO = join(CLI_DIST, 'build-info.json');

/** A hash of the paths, sizes and modification times of everything the build reads: cheap (a few ms). */
function sourcesFingerprint() {
  const hash = createHash('sha256');
  const add = (path) => {
    const stat = statSync(path);
    hash.update(`${relative(root, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) add(path);
    }
  };
  walk(join(cliDir, 'src'));
  walk(join(serverDir, 'src'));
  add(join(cliDir, 'package.json'));
  add(join(serverDir, 'package.json'));
  add(fileURLToPath(import.meta.url));
  return hash.digest('hex').slice(0, 16);
}

function readBuildInfo() {
  try {
    return JSON.parse(readFileSync(BUILD_INFO, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The npm package an import names (`pg`, `mysql2/promise` > `mysql2`, `@aws-sdk/x/y` > `@aws-sdk/x`), or none for Node's own. */
function packageOf(specifier) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Writes `data` to `path` through a temporary name: a command starting meanwhile never reads half a file. */
function writeAtomically(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

export async function buildCli() {
  const fingerprint = sourcesFingerprint();
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run `npm install` in the repository (without --omit=dev) to build the coffer command');
  }
  const result = await esbuild.build({
    entryPoints: { main: join(cliDir, 'src', 'main.ts') },
    bundle: true,
    splitting: true, // the server, imported dynamically by `coffer server`, becomes a chunk of its own
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // the workspace package is compiled from its sources (a path, so `packages: 'external'` does not apply)
    alias: { '@coffer/server': join(serverDir, 'src', 'index.ts') },
    outdir: CLI_DIST,
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const externals = new Set();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      const pkg = imported.external ? packageOf(imported.path) : undefined;
      if (pkg) externals.add(pkg);
    }
  }
  // Chunks first (their names carry a content hash), main.js last, so a command started during the build loads
  // either the old files or the new ones. Chunks of earlier builds go once they are an hour old: a build running
  // beside this one (commands started together after an edit) may have just written the ones its main.js needs.
  const outputs = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('main.js')) - Number(b.path.endsWith('main.js')));
  for (const file of outputs) writeAtomically(file.path, file.contents);
  const current = new Set(outputs.map((file) => file.path));
  const chunksDir = join(CLI_DIST, 'chunks');
  for (const name of existsSync(chunksDir) ? readdirSync(chunksDir) : []) {
    const path = join(chunksDir, name);
    if (!current.has(path) && statSync(path, { throwIfNoEntry: false })?.mtimeMs < Date.now() - 60 * 60 * 1000) rmSync(path, { force: true });
  }
  const files = outputs.map((file) => relative(CLI_DIST, file.path));
  writeAtomically(BUILD_INFO, `${JSON.stringify({ fingerprint, files, externals: [...externals].sort() }, null, 2)}\n`);
}

/** Builds the command when its output is missing or was made from other sources. */
export async function ensureCliBuilt() {
  if (readBuildInfo()?.fingerprint === sourcesFingerprint() && existsSync(join(CLI_DIST, 'main.js'))) return;
  await buildCli();
}

// Run as a script (not imported by the bin or pack.mjs); realpath, as import.meta.url has symlinks resolved.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--force')) await buildCli();
    else await ensureCliBuilt();
  } catch (err) {
    console.error(`coffer: cannot build the coffer command: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
