// Side by side with the aws CLI (v1 on this machine, made to print ISO dates like v2 through
// cli_timestamp_format = iso8601): `coffer <verb>` and `aws secretsmanager <verb>` print the same bytes for
// the same calls, in json, text and table. Calls that create things run once each on twin secrets and are
// compared after replacing what must differ (random ARN suffixes, version ids, dates). Without the aws CLI
// the suite is skipped with the reason, except under CI=true, where that fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { cleanEnv, spawnProcess, startCliServer, type CliServer, type Run } from './support/cli.ts';

async function findAws(): Promise<string | { missing: string }> {
  const python = await spawnProcess('python3', ['-c', 'import sys; print(sys.executable)'], cleanEnv()).done.catch(() => undefined);
  // The aws script next to python3 skips version-manager shims (pyenv adds ~0.5 s a call).
  const beside = python?.code === 0 ? join(dirname(python.stdout.trim()), 'aws') : undefined;
  const aws = beside && existsSync(beside) ? beside : 'aws';
  const version = await new Promise<Run | undefined>((resolve) => {
    const p = spawnProcess(aws, ['--version'], cleanEnv());
    p.child.on('error', () => resolve(undefined));
    void p.done.then(resolve);
  });
  if (!version || version.code !== 0 || !/aws-cli\//.test(version.stdout + version.stderr)) return { missing: `the aws CLI is not available (${aws} --version failed)` };
  return aws;
}

const found = await findAws();
if (typeof found !== 'string' && process.env.CI === 'true') throw new Error(`${found.missing}: required under CI`);
const skip = typeof found === 'string' ? undefined : found.missing;

describe('coffer and the aws CLI print the same output', { skip }, () => {
  const aws = found as string;
  let s: CliServer;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    s = await startCliServer();
    const config = join(s.server.dataDir, 'aws-config');
    writeFileSync(config, '[profile coffer]\ncli_timestamp_format = iso8601\n');
    env = { ...s.env, AWS_CONFIG_FILE: config, AWS_PAGER: '', AWS_DEFAULT_REGION: 'us-east-1' };
    const sdk = s.server.client();
    await sdk.send(new CreateSecretCommand({ Name: 'parity/read', Description: 'read me', SecretString: '{"user":"anika"}', Tags: [{ Key: 'team', Value: 'core' }, { Key: 'tier', Value: '1' }] }));
    await sdk.send(new PutSecretValueCommand({ SecretId: 'parity/read', SecretString: '{"user":"anika","v":2}' }));
    await sdk.send(new CreateSecretCommand({ Name: 'parity/bin', SecretBinary: new Uint8Array([0, 255, 10]) }));
    await sdk.send(new CreateSecretCommand({ Name: 'parity/write', SecretString: 'one' }));
    // Reading sets LastAccessedDate (to the day): read now so concurrent reads below cannot change what describe prints.
    for (const id of ['parity/read', 'parity/bin']) await sdk.send(new GetSecretValueCommand({ SecretId: id }));
    await sdk.send(new GetSecretValueCommand({ SecretId: 'parity/read', VersionStage: 'AWSPREVIOUS' }));
  });
  after(async () => {
    await s?.close();
  });

  const both = (args: string[], extra: Record<string, string> = {}) =>
    Promise.all([
      spawnProcess(process.execPath, [join(import.meta.dirname, '..', 'bin', 'coffer.js'), '--endpoint-url', s.server.endpoint, ...args], { ...env, ...extra }).done,
      spawnProcess(aws, ['--endpoint-url', s.server.endpoint, 'secretsmanager', ...args], { ...env, ...extra }).done,
    ]);

  async function same(args: string[], extra: Record<string, string> = {}, normalise: (text: string) => string = (t) => t): Promise<string> {
    const [mine, theirs] = await both(args, extra);
    assert.equal(theirs.code, 0, `aws ${args.join(' ')}: ${theirs.stderr}`);
    assert.equal(mine.code, 0, `coffer ${args.join(' ')}: ${mine.stderr}`);
    assert.equal(normalise(mine.stdout), normalise(theirs.stdout), `coffer ${args.join(' ')}`);
    return mine.stdout;
  }

  test('read verbs in json, text and table, --query, and dates in another time zone', async () => {
    const listing = ['list-secrets', '--filters', 'Key=name,Values=parity/', '--sort-by', 'name', '--sort-order', 'asc'];
    const outputs = await Promise.all([
      same(['describe-secret', '--secret-id', 'parity/read']),
      same(['describe-secret', '--secret-id', 'parity/read', '--output', 'text']),
      same(['describe-secret', '--secret-id', 'parity/read', '--output', 'table']),
      same(['get-secret-value', '--secret-id', 'parity/read', '--version-stage', 'AWSPREVIOUS'], { TZ: 'America/New_York' }),
      same(['list-secret-version-ids', '--secret-id', 'parity/read', '--include-deprecated']),
      same(['batch-get-secret-value', '--secret-id-list', 'parity/read', 'parity/bin']),
      same([...listing, '--output', 'text', '--max-items', '1', '--page-size', '1']),
      same([...listing, '--max-items', '2', '--page-size', '1']),
      same(['describe-secret', '--secret-id', 'parity/read', '--query', '{N: Name, T: Tags[?Key==`team`].Value | [0], K: length(Tags)}']),
    ]);
    assert.match(outputs[0], /"CreatedDate": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00"/, 'dates as aws CLI v2 prints them');
    assert.match(outputs[3], /-0[45]:00"/, 'dates in the local time zone, as the aws CLI prints them');
    assert.match(outputs[6], /^NEXTTOKEN\t/m, 'text output of a truncated listing ends with the NextToken');
    assert.match(outputs[7], /"NextToken": "/);
  });

  test('write verbs: idempotent calls print the same; twin calls print the same after normalising ids', async () => {
    const token = randomUUID();
    const put = await same(['put-secret-value', '--secret-id', 'parity/write', '--secret-string', 'two', '--client-request-token', token, '--version-stages', 'blue']);
    const version = (JSON.parse(put) as { VersionId: string }).VersionId;
    await same(['update-secret-version-stage', '--secret-id', 'parity/write', '--version-stage', 'blue', '--move-to-version-id', version]);

    const twin = (text: string) =>
      text
        .replace(/parity\/twin-(coffer|aws)/g, 'parity/twin')
        .replace(/-[A-Za-z0-9]{6}"/g, '-XXXXXX"')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+\+00:00/g, 'DATE');
    const pair = async (make: (who: string) => string[]) => {
      const [mine, theirs] = await Promise.all([s.run(['--endpoint-url', s.server.endpoint, ...make('coffer')], env), spawnProcess(aws, ['--endpoint-url', s.server.endpoint, 'secretsmanager', ...make('aws')], env).done]);
      assert.equal(mine.code, 0, mine.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(twin(mine.stdout), twin(theirs.stdout), make('coffer').join(' '));
      return mine.stdout;
    };
    const created = await pair((who) => ['create-secret', '--name', `parity/twin-${who}`, '--description', 'twin', '--secret-string', 'x', '--tags', 'Key=k,Value=v']);
    assert.match(created, /"VersionId"/);
    const deleted = await pair((who) => ['delete-secret', '--secret-id', `parity/twin-${who}`, '--recovery-window-in-days', '7']);
    assert.match(deleted, /"DeletionDate"/);
  });

  test('a service error prints the same message (aws CLI v1 exits 255 where v2 and coffer exit 254)', async () => {
    const [mine, theirs] = await both(['get-secret-value', '--secret-id', 'parity/missing']);
    assert.equal(mine.code, 254);
    assert.notEqual(theirs.code, 0);
    assert.equal(mine.stderr, theirs.stderr);
    assert.match(mine.stderr, /ResourceNotFoundException/);
  });
});
