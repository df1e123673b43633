// The README's aws commands, run as the README shows them by the aws CLI v2 (Debian's awscli, /usr/bin/aws)
// against a real server: the code blocks are read from README.md and run by bash in a folder whose `.coffer` is
// the server's data directory, with only the endpoint's port changed (and the `<KeyId>` the README leaves to the
// reader). Each result is checked in the CLI's output and through the SDK. Without the aws CLI v2 the suite is
// skipped with the reason, except under CI. The rotation block needs a database to rotate: its own suites cover it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, ListKeyRotationsCommand } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cleanEnv, findAwsCliV2, run, type Run } from '../support/aws-tools.ts';
import { codeBlocks } from '../support/markdown-code.ts';
import { createTestCa, opensslMissing } from '../support/tls-cert.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const README_ENDPOINT = 'http://127.0.0.1:4580';
/** The README's endpoint, over HTTP or HTTPS */
const README_ENDPOINTS = /https?:\/\/127\.0\.0\.1:4580/g;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON, checked field by field
type Json = Record<string, any>;

const tools = await findAwsCliV2();
const blocks = codeBlocks(readFileSync(join(REPO, 'README.md'), 'utf8')).filter((b) => b.lang === 'sh');

/** The sh block under `heading` that runs `aws` (one per heading), as its logical lines. */
function blockUnder(heading: string): string[] {
  const found = blocks.filter((b) => b.heading === heading && b.lines.some((l) => /^(aws|alias \w+='aws) /.test(l)));
  assert.equal(found.length, 1, `README.md has one sh block with aws commands under "${heading}"`);
  return found[0].lines;
}

/** The line of the quick start that sets up the `coffer` profile: the other blocks say they run "with the profile above". */
const profileLine = () => {
  const line = blockUnder('Quick start').find((l) => l.startsWith('export AWS_SHARED_CREDENTIALS_FILE='));
  assert.ok(line, 'the quick start exports the profile');
  return line;
};

describe('the README with the aws CLI v2', { skip: 'missing' in tools ? tools.missing : undefined, concurrency: true }, () => {
  const { aws } = tools as { aws: string };
  let server: TestServer;
  let sm: SecretsManagerClient;
  let env: NodeJS.ProcessEnv;
  let project: string;

  /**
   * A checkout as the README has it, for `server`: `.coffer` is its data directory (the credentials), `models` holds
   * the admin API's model. `aws` on the PATH is the v2; HOME is the test's (no ~/.aws of the machine's user;
   * `aws configure add-model` writes there).
   */
  const checkout = (of: TestServer): string => {
    const dir = join(of.dataDir, 'checkout');
    mkdirSync(dir);
    symlinkSync(of.dataDir, join(dir, '.coffer'));
    symlinkSync(join(REPO, 'models'), join(dir, 'models'));
    return dir;
  };

  before(async () => {
    server = await startTestServer();
    sm = server.client();
    project = checkout(server);
    const bin = join(server.dataDir, 'bin');
    mkdirSync(bin);
    symlinkSync(aws, join(bin, 'aws'));
    env = cleanEnv({ HOME: join(server.dataDir, 'home'), PATH: `${bin}:${process.env.PATH}`, AWS_PAGER: '', AWS_CONFIG_FILE: join(server.dataDir, 'no-aws-config') });
  });
  after(() => server?.close());

  /** Runs README lines as one bash script in a checkout (the test server's by default), against its server. */
  const sh = (lines: string[], target = { dir: project, endpoint: server.endpoint }): Promise<Run> => {
    const script = ['set -euo pipefail', 'shopt -s expand_aliases', `cd '${target.dir}'`, ...lines].join('\n');
    return run('bash', ['-c', script.replace(README_ENDPOINTS, target.endpoint)], env, 120_000);
  };
  /** Runs one README command with the profile set; its JSON output, or null when it prints nothing. */
  const command = async (line: string): Promise<Json | null> => {
    const r = await sh([profileLine(), line]);
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Json) : null;
  };
  const awsLines = (lines: string[]) => lines.filter((l) => l.startsWith('aws '));

  test('/usr/bin/aws is the CLI v2', async () => {
    const version = await run(aws, ['--version'], env);
    assert.match(version.stdout, /^aws-cli\/2\./);
  });

  test('Quick start, then the common tasks (their `npx coffer` lines as aws secretsmanager)', async () => {
    const [create, update, previous] = awsLines(blockUnder('Quick start'));
    assert.match(create, /secretsmanager create-secret --name production\/MyAwesomeAppSecret/);
    const created = await command(create);
    assert.deepEqual(Object.keys(created!).sort(), ['ARN', 'Name', 'VersionId']);
    assert.equal(created!.Name, 'production/MyAwesomeAppSecret');
    const updated = await command(update);
    assert.notEqual(updated!.VersionId, created!.VersionId);
    const read = await command(previous);
    assert.equal(read!.SecretString, '{"username":"anika","password":"EXAMPLE-PASSWORD"}');
    assert.deepEqual([read!.VersionId, read!.VersionStages], [created!.VersionId, ['AWSPREVIOUS']]);

    // Common tasks: each `npx coffer` line "works the same" with `aws --endpoint-url … secretsmanager` in its
    // place, up to the shell helpers that only coffer has.
    const common = blockUnder('Common tasks, with `coffer` or with `aws`');
    const lines = common.slice(0, common.indexOf('# Shell helpers beyond the aws CLI'));
    assert.ok(lines.length > 5, 'the common tasks before the shell helpers');
    const asAws = lines.filter((l) => !l.startsWith('#')).map((l) => l.replace(/^npx coffer /, `aws --endpoint-url ${README_ENDPOINT} secretsmanager `));
    const outputs: Array<Json | null> = [];
    for (const line of asAws) outputs.push(await command(line));
    assert.equal(outputs[1]!.SecretString, '{"username":"anika","password":"a different password"}', 'AWSPREVIOUS after the second update');
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'production/MyAwesomeAppSecret' }));
    assert.equal(described.Description, 'Password for the app database');
    assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'payments' }]);
    assert.equal(described.KmsKeyId, 'alias/my-app-key', 'the key as given');
    const key = await server.kmsClient().send(new DescribeKeyCommand({ KeyId: 'alias/my-app-key' }));
    assert.equal(key.KeyMetadata!.KeyState, 'Enabled');
    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'production/MyAwesomeAppSecret' }));
    assert.equal(current.SecretString, '{"username":"anika","password":"a different password"}');
  });

  test('Replication: a secret replicated to two regions, read in one of them', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'replicated' }));
    const [replicate, read] = awsLines(blockUnder('Replication'));
    const status = (await command(replicate))!.ReplicationStatus as Array<Record<string, string>>;
    // alias/eu-key is the reader's own key: without it that region fails, and says why.
    assert.deepEqual(status.map((r) => [r.Region, r.Status]), [['eu-west-1', 'InSync'], ['eu-central-1', 'Failed']]);
    assert.match(status[1].StatusMessage, /alias\/eu-key/);
    assert.equal((await command(read))!.SecretString, 'replicated');
  });

  test('What works: sts get-caller-identity', async () => {
    const [line] = awsLines(blockUnder('What works'));
    const identity = await command(line);
    assert.deepEqual(identity, { UserId: server.app.accountId, Account: server.app.accountId, Arn: `arn:aws:iam::${server.app.accountId}:root` });
  });

  test('Keys: a key of your own, its alias, secrets under it, its rotation', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'old-secret', SecretString: 'kept' }));
    // Debian's aws-cli 2.9 predates RotateKeyOnDemand (2024): that line runs only with a CLI that has the verb.
    const onDemand = (await run(aws, ['kms', 'rotate-key-on-demand', 'help'], env)).code === 0;
    const [createKey, ...rest] = awsLines(blockUnder('Keys'));
    const { KeyMetadata } = (await command(createKey))!;
    assert.equal(KeyMetadata.Description, 'production secrets');
    const outputs: Array<Json | null> = [];
    for (const line of rest.filter((l) => onDemand || !/ kms rotate-key-on-demand /.test(l))) {
      outputs.push(await command(line.replaceAll('<KeyId>', KeyMetadata.KeyId)));
    }
    const kms = server.kmsClient();
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/production' }))).KeyMetadata!.KeyId, KeyMetadata.KeyId);
    for (const name of ['db', 'old-secret']) {
      assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, 'alias/production', `${name} is under the key`);
    }
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'db' }))).SecretString, 'x');
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'old-secret' }))).SecretString, 'kept');
    const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: KeyMetadata.KeyId }));
    assert.deepEqual([rotation.KeyRotationEnabled, rotation.RotationPeriodInDays], [true, 365]);
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: KeyMetadata.KeyId }));
    assert.deepEqual(rotations.Rotations?.map((r) => r.RotationType), onDemand ? ['ON_DEMAND'] : []);
    if (onDemand) assert.ok(String(outputs.at(-1)!.KeyId).endsWith(KeyMetadata.KeyId));
  });

  test('Example: an app that may read one secret, the whole block as one script', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'production/billing/db', SecretString: 'billing password' }));
    await sm.send(new CreateSecretCommand({ Name: 'production/other', SecretString: 'not for billing' }));
    const r = await sh(blockUnder('Example: an app that may read one secret'));
    assert.equal(r.code, 0, r.stderr);
    const { AccessKey } = JSON.parse(r.stdout) as { AccessKey: { UserName: string; Status: string; AccessKeyId: string; SecretAccessKey: string } };
    assert.deepEqual([AccessKey.UserName, AccessKey.Status], ['billing-app', 'Active']);

    const app = server.client({ credentials: { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey } });
    assert.equal((await app.send(new GetSecretValueCommand({ SecretId: 'production/billing/db' }))).SecretString, 'billing password');
    await assert.rejects(app.send(new GetSecretValueCommand({ SecretId: 'production/other' })), { name: 'AccessDeniedException' });
  });

  test('TLS: list-secrets over HTTPS with --ca-bundle .coffer/tls.crt', { skip: opensslMissing() }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-readme-tls-'));
    const ca = createTestCa(dir);
    const cert = ca.issue('server');
    const tlsServer = await startTestServer({ tls: { certFile: cert.certFile, keyFile: cert.keyFile, caPem: ca.caPem } });
    try {
      await tlsServer.client().send(new CreateSecretCommand({ Name: 'over-tls', SecretString: 'x' }));
      // The README's certificate is self-signed; this one's file holds its chain, the CA included.
      copyFileSync(cert.certFile, join(tlsServer.dataDir, 'tls.crt'));
      const [line] = awsLines(blockUnder('TLS'));
      const r = await sh([profileLine(), line], { dir: checkout(tlsServer), endpoint: tlsServer.endpoint });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as { SecretList: Array<{ Name: string }> }).SecretList.map((s) => s.Name), ['over-tls']);
    } finally {
      await tlsServer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
