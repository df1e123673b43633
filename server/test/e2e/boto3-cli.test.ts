// End to end with AWS's own Python tooling: a real Coffer server (not dev mode: real SigV4 against the
// admin credential it wrote to its data directory) driven by boto3 (python/boto3_scenarios.py) and by
// the aws CLI with the `coffer` profile. Without python3 + boto3 + the aws CLI the suite is skipped with
// the reason, except under CI, where it fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cofferProfileEnv, findAwsTools, run, type Run } from '../support/aws-tools.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCENARIO_SCRIPT = join(HERE, 'python', 'boto3_scenarios.py');
const SCENARIOS = [
  'versions_and_stages',
  'binary',
  'typed_exceptions',
  'delete_restore_tags',
  'list_secrets_paginator',
  'random_password',
  'bad_credentials',
];

const tools = await findAwsTools({ boto3: true });
const skip = 'missing' in tools ? tools.missing : undefined;

// The three tests use separate secrets and run at once: each aws or python process spends most of its
// time starting up, so they overlap well.
describe('e2e: boto3 and the aws CLI against a real server', { skip, concurrency: true }, () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const { python, aws } = tools as { python: string; aws: string };

  before(async () => {
    server = await startTestServer();
    env = cofferProfileEnv(server.dataDir);
  });
  after(async () => {
    await server?.close();
  });

  /** Runs `aws secretsmanager <args>` against the server; parses JSON output when the command succeeds. */
  async function cli(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run & { json: Record<string, unknown> }> {
    const merged: NodeJS.ProcessEnv = { ...env, ...extraEnv };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    const result = await run(aws, ['--endpoint-url', server.endpoint, '--output', 'json', 'secretsmanager', ...args], merged);
    const json = result.code === 0 && result.stdout.trim() ? JSON.parse(result.stdout) : {};
    return { ...result, json };
  }

  async function ok(args: string[]): Promise<Record<string, unknown>> {
    const result = await cli(args);
    assert.equal(result.code, 0, `aws secretsmanager ${args.join(' ')} failed:\n${result.stderr}`);
    return result.json;
  }

  async function fails(args: string[], code: string, extraEnv: Record<string, string | undefined> = {}): Promise<string> {
    const result = await cli(args, extraEnv);
    assert.notEqual(result.code, 0, `aws secretsmanager ${args.join(' ')} should fail with ${code}`);
    assert.match(result.stderr, new RegExp(`\\(${code}\\)`), result.stderr);
    return result.stderr;
  }

  test('boto3: every scenario passes (typed exceptions, paginator, binary, stages, bad credentials)', async () => {
    const result = await run(python, [SCENARIO_SCRIPT], { ...env, COFFER_ENDPOINT: server.endpoint }, 120_000);
    const reports = result.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { scenario: string; ok: boolean; error?: string; trace?: string });
    const failed = reports.filter((r) => !r.ok).map((r) => `${r.scenario}: ${r.error}\n${r.trace}`);
    assert.deepEqual(failed, [], `boto3 scenarios failed:\n${failed.join('\n')}\n${result.stderr}`);
    assert.deepEqual(reports.map((r) => r.scenario), SCENARIOS, `every scenario ran:\n${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
  });

  test('aws CLI: the product-spec flow, then stages, tags, listing filters, delete and restore on that secret', async () => {
    const id = 'production/MyAwesomeAppSecret';
    const first = '{"username":"anika","password":"EXAMPLE-PASSWORD"}';
    const second = '{"username":"anika","password":"a different password"}';
    const created = await ok(['create-secret', '--name', id, '--description', 'My test secret', '--secret-string', first]);
    assert.deepEqual(Object.keys(created).sort(), ['ARN', 'Name', 'VersionId']);
    assert.match(String(created.ARN), /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:production\/MyAwesomeAppSecret-[A-Za-z0-9]{6}$/);

    const updated = await ok(['update-secret', '--secret-id', id, '--secret-string', second]);
    assert.deepEqual(Object.keys(updated).sort(), ['ARN', 'Name', 'VersionId'], 'update-secret prints exactly ARN, Name, VersionId');
    assert.equal(updated.ARN, created.ARN);
    assert.equal(updated.Name, id);
    assert.notEqual(updated.VersionId, created.VersionId);

    const previous = await ok(['get-secret-value', '--secret-id', id, '--version-stage', 'AWSPREVIOUS']);
    assert.equal(previous.SecretString, first, 'AWSPREVIOUS holds the replaced value');
    assert.equal(previous.VersionId, created.VersionId);
    assert.deepEqual(previous.VersionStages, ['AWSPREVIOUS']);

    const put = await ok(['put-secret-value', '--secret-id', id, '--secret-string', 'staged value', '--version-stages', 'blue', 'green']);
    assert.deepEqual(Object.keys(put).sort(), ['ARN', 'Name', 'VersionId', 'VersionStages']);
    assert.deepEqual((put.VersionStages as string[]).sort(), ['blue', 'green']);

    const tagged = await cli(['tag-resource', '--secret-id', id, '--tags', 'Key=team,Value=blue', 'Key=env,Value=prod']);
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.equal(tagged.stdout.trim(), '', 'tag-resource prints nothing');
    const untagged = await cli(['untag-resource', '--secret-id', id, '--tag-keys', 'team']);
    assert.equal(untagged.code, 0, untagged.stderr);

    const deleted = await ok(['delete-secret', '--secret-id', id, '--recovery-window-in-days', '7']);
    assert.deepEqual(Object.keys(deleted).sort(), ['ARN', 'DeletionDate', 'Name']);
    const days = (Number(deleted.DeletionDate) * 1000 - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days < 7.1, `deletion in 7 days, got ${days}`);

    // Two filters are ANDed: a name prefix and a description word prefix both match this secret only. It is
    // scheduled for deletion, so it is listed only with --include-planned-deletion.
    const listed = await ok(['list-secrets', '--include-planned-deletion', '--filters', 'Key=name,Values=production/', 'Key=description,Values=test']);
    const entries = listed.SecretList as Array<Record<string, unknown>>;
    assert.deepEqual(entries.map((e) => e.Name), [id]);
    assert.deepEqual(entries[0].Tags, [{ Key: 'env', Value: 'prod' }], 'tag-resource added two tags, untag-resource removed one');
    assert.equal(typeof entries[0].DeletedDate, 'number', 'dates travel as epoch seconds');
    const stages = Object.fromEntries(Object.entries(entries[0].SecretVersionsToStages as Record<string, string[]>).map(([k, v]) => [k, [...v].sort()]));
    const expectedStages = {
      [String(updated.VersionId)]: ['AWSCURRENT'],
      [String(created.VersionId)]: ['AWSPREVIOUS'],
      [String(put.VersionId)]: ['blue', 'green'],
    };
    assert.deepEqual(stages, expectedStages);

    const restored = await ok(['restore-secret', '--secret-id', id]);
    assert.deepEqual(Object.keys(restored).sort(), ['ARN', 'Name']);
    const described = await ok(['describe-secret', '--secret-id', id]);
    assert.equal(described.DeletedDate, undefined, 'restored: no DeletedDate');
    assert.equal(described.Description, 'My test secret');
    assert.deepEqual(described.Tags, [{ Key: 'env', Value: 'prod' }]);
    const describedStages = Object.fromEntries(Object.entries(described.VersionIdsToStages as Record<string, string[]>).map(([k, v]) => [k, [...v].sort()]));
    assert.deepEqual(describedStages, expectedStages);
  });

  test('aws CLI: get-random-password, a binary secret from fileb://, and a bad credential', async () => {
    const password = await ok(['get-random-password', '--password-length', '24', '--exclude-punctuation']);
    assert.match(String(password.RandomPassword), /^[A-Za-z0-9]{24}$/);

    const bytes = Buffer.concat([Buffer.from([0, 0xff, 0x0a, 0x0d]), randomBytes(60)]);
    const file = join(server.dataDir, 'binary-secret.bin');
    writeFileSync(file, bytes);
    await ok(['create-secret', '--name', 'cli/binary', '--secret-binary', `fileb://${file}`]);
    const got = await ok(['get-secret-value', '--secret-id', 'cli/binary']);
    assert.deepEqual(Buffer.from(String(got.SecretBinary), 'base64'), bytes, 'the CLI prints the bytes as base64');
    assert.equal(got.SecretString, undefined);

    const unknownKey = await fails(['list-secrets'], 'UnrecognizedClientException', {
      AWS_PROFILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: join(server.dataDir, 'no-credentials'),
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    assert.match(unknownKey, /security token included in the request is invalid/);
  });
});
