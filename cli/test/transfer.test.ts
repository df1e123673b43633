// `coffer export` / `coffer import`: between two servers (each with its own credentials, as profiles src and
// dst) and through .env and JSON files; idempotent re-runs (no new versions), progress lines, the summary,
// and a failed secret making the exit code 254.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { cleanEnv, coffer, writeProfiles, type Env } from './support/cli.ts';

interface Snapshot {
  name: string;
  description?: string;
  tags: string[];
  value: string;
}

async function snapshot(client: SecretsManagerClient): Promise<Snapshot[]> {
  const listed = await client.send(new ListSecretsCommand({ SortBy: 'name', SortOrder: 'asc' }));
  return Promise.all(
    (listed.SecretList ?? []).map(async (s) => {
      const v = await client.send(new GetSecretValueCommand({ SecretId: s.Name }));
      const d = await client.send(new DescribeSecretCommand({ SecretId: s.Name }));
      return {
        name: s.Name as string,
        description: d.Description,
        tags: (d.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
        value: v.SecretBinary ? `binary:${Buffer.from(v.SecretBinary).toString('base64')}` : (v.SecretString as string),
      };
    }),
  );
}

async function versionCount(client: SecretsManagerClient, name: string): Promise<number> {
  return (await client.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions?.length ?? 0;
}

describe('coffer export and import', () => {
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let dir: string;
  let env: (extra: Env) => NodeJS.ProcessEnv;

  before(async () => {
    [a, b, c] = await Promise.all([startTestServer(), startTestServer(), startTestServer()]);
    dir = mkdtempSync(join(tmpdir(), 'coffer-cli-transfer-'));
    writeProfiles(join(dir, 'credentials'), { src: a.credentials, dst: b.credentials, third: c.credentials });
    env = (extra) => cleanEnv({ AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'no-config'), ...extra });
    const sdk = a.client();
    await sdk.send(new CreateSecretCommand({ Name: 'app/db', Description: 'database', SecretString: '{"user":"app","password":"p\'w\\"$x"}', Tags: [{ Key: 'team', Value: 'core' }] }));
    await sdk.send(new CreateSecretCommand({ Name: 'app/multiline', SecretString: "line one\nline 'two'\r\n  indented #not-a-comment" }));
    await sdk.send(new CreateSecretCommand({ Name: 'app/cert', Description: 'binary', SecretBinary: new Uint8Array([1, 2, 3, 250]), Tags: [{ Key: 'kind', Value: 'der' }, { Key: 'empty', Value: '' }] }));
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('export --to-endpoint copies names, descriptions, tags and values; a re-run changes nothing', async () => {
    const first = await coffer(['export', '--to-endpoint', b.endpoint, '--to-profile', 'dst'], env({ COFFER_ENDPOINT: a.endpoint, AWS_PROFILE: 'src' }));
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.stdout.split('\n').filter((l) => l.startsWith('created')).sort(), ['created app/cert', 'created app/db', 'created app/multiline']);
    assert.match(first.stdout, /^Exported 3 secrets: 3 created, 0 failed$/m);
    assert.deepEqual(await snapshot(b.client()), await snapshot(a.client()));

    const versionsBefore = await versionCount(b.client(), 'app/db');
    const second = await coffer(['export', '--to-endpoint', b.endpoint, '--to-profile', 'dst'], env({ COFFER_ENDPOINT: a.endpoint, AWS_PROFILE: 'src' }));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^Exported 3 secrets: 3 unchanged, 0 failed$/m);
    assert.equal(await versionCount(b.client(), 'app/db'), versionsBefore, 'an unchanged value creates no version');
  });

  test('import --from-endpoint puts only what changed', async () => {
    await a.client().send(new PutSecretValueCommand({ SecretId: 'app/multiline', SecretString: 'changed' }));
    const run = await coffer(['import', '--from-endpoint', a.endpoint, '--from-profile', 'src'], env({ COFFER_ENDPOINT: b.endpoint, AWS_PROFILE: 'dst' }));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^updated app\/multiline \(value\)$/m);
    assert.match(run.stdout, /^Imported 3 secrets: 1 updated, 2 unchanged, 0 failed$/m);
    assert.equal((await b.client().send(new GetSecretValueCommand({ SecretId: 'app/multiline' }))).SecretString, 'changed');
  });

  test('round trips through a .env file and a JSON file into a fresh server', async () => {
    const envFile = join(dir, 'secrets.env');
    const [exported, json] = await Promise.all([
      coffer(['export', '--file', envFile], env({ COFFER_ENDPOINT: a.endpoint, AWS_PROFILE: 'src' })),
      coffer(['export', '--format', 'json'], env({ COFFER_ENDPOINT: a.endpoint, AWS_PROFILE: 'src' })),
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(readFileSync(envFile, 'utf8'), /^APP_DB=/m, 'one KEY=value line per secret');
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { Secrets: unknown[] }).Secrets.length, 3, 'JSON on stdout, progress on stderr');
    assert.match(json.stderr, /^Exported 3 secrets: 3 exported, 0 failed$/m);

    const fromEnv = await coffer(['import', '--file', envFile], env({ COFFER_ENDPOINT: c.endpoint, AWS_PROFILE: 'third' }));
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.match(fromEnv.stdout, /3 created/);
    assert.deepEqual(await snapshot(c.client()), await snapshot(a.client()), 'the .env file carries everything');

    writeFileSync(join(dir, 'secrets.json'), json.stdout);
    const fromJson = await coffer(['import', '--file', join(dir, 'secrets.json')], env({ COFFER_ENDPOINT: c.endpoint, AWS_PROFILE: 'third' }));
    assert.equal(fromJson.code, 0, fromJson.stderr);
    assert.match(fromJson.stdout, /^Imported 3 secrets: 3 unchanged, 0 failed$/m, 'the JSON file holds the same secrets');
  });

  test('a plain .env imports each line as a secret; a failed secret is listed and makes the exit code 254', async () => {
    await c.client().send(new CreateSecretCommand({ Name: 'DOOMED', SecretString: 'x' }));
    await c.client().send(new DeleteSecretCommand({ SecretId: 'DOOMED', RecoveryWindowInDays: 7 }));
    const plain = join(dir, 'plain.env');
    writeFileSync(plain, '# an ordinary .env\nexport DB_PASSWORD="a b\\nc"\nAPI_KEY=abc123 # comment\nDOOMED=1\n');
    const run = await coffer(['import', '--file', plain], env({ COFFER_ENDPOINT: c.endpoint, AWS_PROFILE: 'third' }));
    assert.equal(run.code, 254, run.stderr);
    assert.match(run.stdout, /^Imported 3 secrets: 2 created, 1 failed$/m);
    assert.match(run.stdout, /^Failed:\n {2}DOOMED: the secret is scheduled for deletion/m);
    const sdk = c.client();
    assert.equal((await sdk.send(new GetSecretValueCommand({ SecretId: 'DB_PASSWORD' }))).SecretString, 'a b\nc');
    assert.equal((await sdk.send(new GetSecretValueCommand({ SecretId: 'API_KEY' }))).SecretString, 'abc123');
  });
});
