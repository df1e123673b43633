// The installable package, end to end: `npm run pack`'s tarball installed with `npm install -g --prefix <tmp>`
// (as a user installs it; `npx` runs the same bin from its cache), then the installed `coffer` run from a
// directory outside the repository: its version and help, a server with a data directory and a worker process
// answering the AWS SDK and serving the console, `coffer server --dev`, and a client verb. The install takes
// 15–45 s on our shared 2-core machine with npm's cache warm (after `npm ci`); better-sqlite3's binary comes from
// support/prebuild-mirror.ts (compiling it would add about five minutes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { spawnServer, type ServerProcess } from '../../server/test/store/server-process.ts';
import { cofferProfileEnv } from '../../server/test/support/aws-tools.ts';
import { linkTargets } from '../../server/test/support/markdown-code.ts';
import { REPO, spawnProcess, type Run } from './support/cli.ts';
import { startPrebuildMirror } from './support/prebuild-mirror.ts';

const version = (JSON.parse(readFileSync(join(REPO, 'cli', 'package.json'), 'utf8')) as { version: string }).version;

/** The environment without npm's settings of an enclosing `npm test` nor the machine's COFFER_ and AWS_ ones. */
function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|COFFER_|AWS_)/i.test(k)));
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

describe('the installed package', { timeout: 10 * 60_000 }, () => {
  let dir: string;
  let tarball: string;
  let prefix: string;
  let coffer: string;
  /** a directory outside the repository, where the installed command runs */
  let elsewhere: string;
  const servers: ServerProcess[] = [];
  const run = (args: string[], env = outsideEnv()): Promise<Run> => spawnProcess(coffer, args, env, undefined, elsewhere).done;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-install-'));
    prefix = join(dir, 'prefix');
    elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    coffer = join(prefix, 'bin', 'coffer');

    const pack = spawnSync(process.execPath, [join(REPO, 'scripts', 'pack.mjs'), '--out', dir], { cwd: REPO, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    tarball = pack.stdout.trim().split('\n').pop()!;

    const mirror = await startPrebuildMirror(dir);
    try {
      const started = Date.now();
      const install = await spawnProcess(
        'npm',
        ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund', '--allow-scripts=better-sqlite3'],
        outsideEnv(mirror.env),
        undefined,
        elsewhere,
      ).done;
      assert.equal(install.code, 0, install.stderr);
      console.log(`npm install -g took ${((Date.now() - started) / 1000).toFixed(1)} s (better-sqlite3 binary ${mirror.fetched.length > 0 ? 'from the mirror' : 'compiled from source'})`);
    } finally {
      await mirror.close();
    }
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the tarball holds the compiled command, the models, the console and the Lambda bootstraps, and declares what the code imports', () => {
    const listing = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' });
    const files = listing.stdout.trim().split('\n');
    for (const expected of ['package/bin/coffer.js', 'package/dist/main.js', 'package/models/secretsmanager-2017-10-17.json', 'package/models/kms-2014-11-01.json', 'package/models/coffer-admin.json', 'package/console/dist/index.html', 'package/runtimes/lambda/bootstrap.py', 'package/runtimes/lambda/bootstrap.mjs']) {
      assert.ok(files.includes(expected), `${expected} is in the tarball`);
    }
    assert.deepEqual(files.filter((f) => /\.tsx?$/.test(f)), [], 'no TypeScript in the package');
    for (const target of linkTargets(readFileSync(join(REPO, 'README.md'), 'utf8'))) {
      const path = target.split('#')[0];
      if (!path || /^[a-z]+:/.test(path)) continue; // an anchor on the page itself, or a web address
      assert.ok(files.includes(`package/${path}`), `${path} (linked from the README) is in the tarball`);
    }

    const installed = join(prefix, 'lib', 'node_modules', 'coffer');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string>; dependencies: Record<string, string> };
    assert.deepEqual(pkg.bin, { coffer: 'bin/coffer.js' });
    const imported = (JSON.parse(readFileSync(join(REPO, 'cli', 'dist', 'build-info.json'), 'utf8')) as { externals: string[] }).externals;
    for (const name of imported) assert.ok(pkg.dependencies[name], `${name} (imported by the compiled code) is a dependency`);
    for (const name of Object.keys(pkg.dependencies)) assert.doesNotMatch(name, /^(@coffer\/|esbuild$|tsx$|typescript$)/, `${name} is not needed at run time`);
    assert.equal(existsSync(join(installed, 'node_modules', 'tsx')) || existsSync(join(installed, 'node_modules', 'esbuild')), false, 'neither tsx nor esbuild is installed');
  });

  test('coffer --version and coffer help work outside the repository', async () => {
    const v = await run(['--version']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), `coffer/${version} node/${process.version} ${process.platform}/${process.arch}`);
    const help = await run(['help']);
    assert.equal(help.code, 0, help.stderr);
    for (const verb of ['create-secret', 'get-secret-value', 'server', 'admin', 'functions']) assert.match(help.stdout, new RegExp(`\\n  ${verb}\\b`));
    const serverHelp = await run(['server', '--help']);
    assert.equal(serverHelp.code, 0, serverHelp.stderr);
    assert.match(serverHelp.stdout, /--data-dir <dir>/);
  });

  test('coffer server with a data directory answers the AWS SDK, serves the console, and coffer get reads from it', async () => {
    const dataDir = join(dir, 'data');
    const server = await spawnServer({ bin: coffer, cwd: elsewhere, dataDir, args: ['--workers', '1'] });
    servers.push(server);
    const sdk = server.client();
    await sdk.send(new CreateSecretCommand({ Name: 'installed/db', SecretString: '{"password":"EXAMPLE-PASSWORD"}' }));
    const got = await sdk.send(new GetSecretValueCommand({ SecretId: 'installed/db' }));
    assert.equal(got.SecretString, '{"password":"EXAMPLE-PASSWORD"}');

    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module"[^>]* src="\/assets\/index-[^"]+\.js"/, 'the built console, not the "not built" page');

    const get = await run(['--endpoint-url', server.url, 'get', 'installed/db', 'password'], outsideEnv(cofferProfileEnv(dataDir) as Record<string, string>));
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout, 'EXAMPLE-PASSWORD');
  });

  test('coffer server --dev answers the AWS SDK with any credentials', async () => {
    const server = await spawnServer({ bin: coffer, cwd: elsewhere, dataDir: join(dir, 'unused'), args: ['--dev'] });
    servers.push(server);
    const sdk = new SecretsManagerClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      await sdk.send(new CreateSecretCommand({ Name: 'dev/one', SecretString: 'v1' }));
      assert.equal((await sdk.send(new GetSecretValueCommand({ SecretId: 'dev/one' }))).SecretString, 'v1');
    } finally {
      sdk.destroy();
    }
    assert.equal(existsSync(join(dir, 'unused')), false, 'dev mode writes nothing to disk');
  });
});
