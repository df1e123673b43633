// `coffer get` (raw values, one JSON key, binary bytes) and `coffer run` (secrets as environment variables,
// the child's exit code passed through, signals forwarded to the child).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { BIN, spawnProcess, startCliServer, type CliServer } from './support/cli.ts';

const PRINT_ENV = 'const e = process.env; console.log(JSON.stringify({ user: e.APP_user, port: e.APP_port, nested: e.APP_nested, none: e.APP_none, token: e.APP_PROD_API_TOKEN, bin: e.APP_PROD_BLOB, home: e.HOME !== undefined })); process.exit(7);';

describe('coffer get and coffer run', () => {
  let s: CliServer;

  before(async () => {
    s = await startCliServer();
    const sdk = s.server.client();
    await sdk.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: '{"user":"app","port":5432,"nested":{"a":[1]},"none":null}' }));
    await sdk.send(new CreateSecretCommand({ Name: 'prod/api-token', SecretString: 'tok-EXAMPLE\nsecond line' }));
    await sdk.send(new CreateSecretCommand({ Name: 'prod/blob', SecretBinary: new Uint8Array([0, 10, 255, 13]) }));
  });
  after(async () => {
    await s?.close();
  });

  test('get prints the value, one key of its JSON, or raw bytes; errors exit 254/255', async () => {
    const [whole, user, port, binary, noKey, missing] = await Promise.all([
      s.run(['get', 'prod/api-token']),
      s.run(['get', 'prod/db', 'user']),
      s.run(['get', 'prod/db', 'port']),
      s.run(['get', 'prod/blob']),
      s.run(['get', 'prod/db', 'password']),
      s.run(['get', 'prod/missing']),
    ]);
    assert.equal(whole.stdout, 'tok-EXAMPLE\nsecond line', 'no JSON wrapping, no newline added when stdout is not a terminal');
    assert.equal(user.stdout, 'app');
    assert.equal(port.stdout, '5432');
    assert.deepEqual(binary.stdoutBytes, Buffer.from([0, 10, 255, 13]));
    assert.equal(noKey.code, 255);
    assert.match(noKey.stderr, /The value of prod\/db has no key "password"/);
    assert.equal(missing.code, 254);
    assert.equal(missing.stderr, "\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.\n");
  });

  test('run injects JSON keys and named values, passes the exit code through; failures before the child', async () => {
    const [ran, missing, notFound] = await Promise.all([
      s.run(['run', '--secret-id', 'prod/db', '--secret-id', 'prod/api-token', '--secret-id', 'prod/blob', '--prefix', 'APP_', '--', process.execPath, '-e', PRINT_ENV]),
      s.run(['run', '--secret-id', 'prod/missing', '--', process.execPath, '-e', 'console.log("child ran")']),
      s.run(['run', '--secret-id', 'prod/db', '--', 'coffer-test-no-such-command']),
    ]);
    assert.equal(ran.code, 7, `the child's exit code: ${ran.stderr}`);
    assert.deepEqual(JSON.parse(ran.stdout), {
      user: 'app',
      port: '5432',
      nested: '{"a":[1]}',
      none: '',
      token: 'tok-EXAMPLE\nsecond line',
      bin: Buffer.from([0, 10, 255, 13]).toString('base64'),
      home: process.env.HOME !== undefined,
    });
    assert.equal(missing.code, 254);
    assert.equal(missing.stdout, '', 'the child does not run when a secret cannot be read');
    assert.equal(notFound.code, 127);
    assert.match(notFound.stderr, /cannot run coffer-test-no-such-command: command not found/);
  });

  test('run forwards SIGTERM and SIGINT to the child; a child killed by a signal exits 128+n', { timeout: 60_000 }, async () => {
    const child = (signal: NodeJS.Signals) =>
      `process.on('${signal}', () => { console.log('child got ${signal}'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);`;
    const runs = (['SIGTERM', 'SIGINT'] as const).map((signal) => {
      const p = spawnProcess(process.execPath, [BIN, 'run', '--secret-id', 'prod/db', '--', process.execPath, '-e', child(signal)], s.env);
      return { signal, ...p };
    });
    const killed = s.run(['run', '--secret-id', 'prod/db', '--', process.execPath, '-e', "process.kill(process.pid, 'SIGKILL')"]);
    await Promise.all(
      runs.map(async ({ child: proc, signal }) => {
        let seen = '';
        await new Promise<void>((resolve) => {
          proc.stdout!.on('data', (chunk: Buffer) => {
            seen += String(chunk);
            if (seen.includes('ready')) resolve();
          });
        });
        proc.kill(signal);
      }),
    );
    for (const { done, signal } of runs) {
      const result = await done;
      assert.equal(result.code, 42, `coffer exits with the child's code after ${signal}: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`child got ${signal}`));
    }
    assert.equal((await killed).code, 137, 'SIGKILL is 9: 128 + 9');
    await Promise.all(runs.map(({ child: proc }) => (proc.exitCode === null && proc.signalCode === null ? once(proc, 'close') : undefined)));
  });
});
