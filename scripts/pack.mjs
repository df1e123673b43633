// Makes the installable package of the `coffer` command, coffer-<version>.tgz: what `npm install -g` and `npx`
// take. It holds the compiled command (cli/bin, cli/dist: scripts/build-cli.mjs), the service models, the
// console's build and the Lambda-style functions' bootstraps, at the places the code looks for them (models/,
// console/dist and runtimes/ beside dist/), and a
// package.json declaring the npm packages the code imports: the dependencies of server/ and cli/ (the workspace
// packages themselves are compiled in). No TypeScript, no build tool.
//
//   node scripts/pack.mjs [--out DIR]    (npm run pack) builds what is stale, writes DIR/coffer-<version>.tgz
//                                         (DIR: the current directory) and prints its path
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO, ensureCliBuilt } from './build-cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The dependencies of server/ and cli/ without the workspace packages; a package both name must agree. */
function runtimeDependencies() {
  const merged = {};
  for (const workspace of ['server', 'cli']) {
    for (const [name, range] of Object.entries(readJson(join(root, workspace, 'package.json')).dependencies ?? {})) {
      if (name.startsWith('@coffer/')) continue;
      if (merged[name] !== undefined && merged[name] !== range) {
        throw new Error(`server/ and cli/ ask for different versions of ${name} (${merged[name]}, ${range}): make them agree`);
      }
      merged[name] = range;
    }
  }
  // What the compiled code imports must be declared, or the installed command fails when it reaches that import.
  const undeclared = readJson(BUILD_INFO).externals.filter((name) => merged[name] === undefined);
  if (undeclared.length > 0) throw new Error(`the compiled code imports ${undeclared.join(', ')}, which neither server/ nor cli/package.json declares`);
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

function packageJson() {
  const cli = readJson(join(root, 'cli', 'package.json'));
  const monorepo = readJson(join(root, 'package.json'));
  return {
    name: 'coffer',
    version: cli.version,
    description: monorepo.description,
    type: 'module',
    bin: { coffer: 'bin/coffer.js' },
    engines: monorepo.engines,
    dependencies: runtimeDependencies(),
  };
}

/** The package's directory, in a fresh temporary directory. */
function stage() {
  const dir = join(mkdtempSync(join(tmpdir(), 'coffer-pack-')), 'coffer');
  const copy = (from, to) => cpSync(join(root, from), join(dir, to), { recursive: true });
  copy('cli/bin/coffer.js', 'bin/coffer.js');
  for (const file of readJson(BUILD_INFO).files) copy(join('cli', 'dist', file), join('dist', file)); // not older builds' chunks
  copy('models', 'models');
  copy('runtimes', 'runtimes'); // the bootstraps of Lambda-style rotation functions
  copy('console/dist', 'console/dist');
  copy('README.md', 'README.md');
  // the pages the README links to, so that its links work in an installed copy too
  copy('docs', 'docs');
  copy('cli/README.md', 'cli/README.md');
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(packageJson(), null, 2)}\n`);
  return dir;
}

const outIndex = process.argv.indexOf('--out');
const outDir = resolve(outIndex > 0 ? process.argv[outIndex + 1] : '.');
try {
  await ensureCliBuilt();
  const consoleBuild = spawnSync(process.execPath, [join(root, 'scripts', 'build-console.mjs')], { stdio: 'inherit' });
  if (consoleBuild.status !== 0) throw new Error('the console did not build');
  if (!existsSync(join(root, 'console', 'dist', 'index.html'))) throw new Error('console/dist is missing (is Vite installed?): the package must include the console');
  const dir = stage();
  try {
    mkdirSync(outDir, { recursive: true });
    const [packed] = JSON.parse(execFileSync('npm', ['pack', dir, '--pack-destination', outDir, '--json', '--silent'], { encoding: 'utf8' }));
    console.log(join(outDir, packed.filename));
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
} catch (err) {
  console.error(`coffer: cannot pack the coffer command: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
