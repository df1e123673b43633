// `coffer admin <verb>`, `coffer audit` and `coffer admin verify-audit` through the real binary against a real
// server: a user with a policy and an access key, that key used by `coffer get-secret-value` (allowed and
// denied), the key's lifecycle, the calls in the audit trail, and the trail verified.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, spawnProcess, startCliServer, type CliServer } from './support/cli.ts';

describe('coffer admin / audit', () => {
  let s: CliServer;

  before(async () => {
    s = await startCliServer();
  });
  after(async () => {
    await s?.close();
  });

  test('a user, its policy and access key; the key reads what the policy allows and nothing else', async () => {
    const [allowed, other] = await Promise.all([
      s.json(['create-secret', '--name', 'admin/allowed', '--secret-string', 'ok-value']),
      s.json(['create-secret', '--name', 'admin/other', '--secret-string', 'other-value']),
    ]);
    const created = await s.json(['admin', 'create-user', '--user-name', 'deploy', '--tags', 'Key=team,Value=core']);
    const user = created.User as Record<string, unknown>;
    assert.equal(user.UserName, 'deploy');
    assert.match(String(user.Arn), /^arn:aws:iam::\d{12}:user\/deploy$/);

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: allowed.ARN }] });
    assert.deepEqual(await s.json(['admin', 'put-user-policy', '--user-name', 'deploy', '--policy-name', 'read-one', '--policy-document', policy]), {});
    const got = await s.json(['admin', 'get-user-policy', '--user-name', 'deploy', '--policy-name', 'read-one']);
    assert.equal(got.PolicyName, 'read-one');
    assert.deepEqual((await s.json(['admin', 'list-user-policies', '--user-name', 'deploy'])).PolicyNames, ['read-one']);
    assert.equal(((await s.json(['admin', 'get-user', '--user-name', 'deploy'])).User as Record<string, unknown>).UserName, 'deploy');
    assert.ok(((await s.json(['admin', 'list-users'])).Users as { UserName: string }[]).some((u) => u.UserName === 'deploy'));

    const key = (await s.json(['admin', 'create-access-key', '--user-name', 'deploy'])).AccessKey as Record<string, unknown>;
    assert.deepEqual(Object.keys(key), ['UserName', 'AccessKeyId', 'Status', 'SecretAccessKey', 'CreateDate'], 'IAM CreateAccessKey shape');
    assert.equal(key.UserName, 'deploy');
    assert.equal(key.Status, 'Active');
    assert.match(String(key.CreateDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);

    const asUser = { AWS_PROFILE: undefined, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_ACCESS_KEY_ID: String(key.AccessKeyId), AWS_SECRET_ACCESS_KEY: String(key.SecretAccessKey) };
    const read = await s.run(['get-secret-value', '--secret-id', 'admin/allowed', '--query', 'SecretString', '--output', 'text'], asUser);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout.trim(), 'ok-value');
    const denied = await s.run(['get-secret-value', '--secret-id', String(other.ARN)], asUser);
    assert.equal(denied.code, 254);
    assert.match(denied.stderr, /An error occurred \(AccessDeniedException\) when calling the GetSecretValue operation/);
    assert.doesNotMatch(denied.stdout + denied.stderr, /other-value/);

    const listed = (await s.json(['admin', 'list-access-keys', '--user-name', 'deploy'])).AccessKeyMetadata as Record<string, unknown>[];
    assert.deepEqual(listed.map((k) => [k.AccessKeyId, k.Status]), [[key.AccessKeyId, 'Active']]);
    assert.doesNotMatch(JSON.stringify(listed), /SecretAccessKey/);
    await s.json(['admin', 'update-access-key', '--user-name', 'deploy', '--access-key-id', String(key.AccessKeyId), '--status', 'Inactive']);
    const inactive = await s.run(['get-secret-value', '--secret-id', 'admin/allowed'], asUser);
    assert.equal(inactive.code, 254, 'an inactive key is refused');
    await s.json(['admin', 'delete-access-key', '--user-name', 'deploy', '--access-key-id', String(key.AccessKeyId)]);
    assert.deepEqual((await s.json(['admin', 'list-access-keys', '--user-name', 'deploy'])).AccessKeyMetadata, []);

    const conflict = await s.run(['admin', 'delete-user', '--user-name', 'deploy']);
    assert.equal(conflict.code, 254);
    assert.match(conflict.stderr, /\(DeleteConflictException\) when calling the DeleteUser operation/);
    await s.json(['admin', 'delete-user-policy', '--user-name', 'deploy', '--policy-name', 'read-one']);
    await s.json(['admin', 'delete-user', '--user-name', 'deploy']);
    const gone = await s.run(['admin', 'get-user', '--user-name', 'deploy']);
    assert.equal(gone.code, 254);
    assert.match(gone.stderr, /NoSuchEntity/);

    // The trail: the calls above, filtered by name; --jsonl prints one event a line; the chain verifies.
    const audit = await s.json(['audit', '--event-name', 'GetSecretValue']);
    const events = audit.Events as Record<string, unknown>[];
    assert.ok(events.length >= 2, `GetSecretValue events: ${events.length}`); // allowed and denied (the inactive key's call is not the account's)
    assert.ok(events.every((e) => JSON.stringify(e).includes('GetSecretValue')));
    assert.ok(JSON.stringify(events).includes('AccessDenied'), 'the denied call is in the trail');
    assert.doesNotMatch(JSON.stringify(audit), /ok-value|other-value/);
    const lines = await s.run(['audit', '--jsonl']);
    assert.equal(lines.code, 0, lines.stderr);
    const parsed = lines.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(parsed.length > events.length);
    assert.ok(JSON.stringify(parsed).includes('CreateAccessKey'));
    assert.doesNotMatch(lines.stdout, new RegExp(String(key.SecretAccessKey).replace(/[+/]/g, '\\$&')));
    const verified = await s.run(['admin', 'verify-audit']);
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal((JSON.parse(verified.stdout) as Record<string, unknown>).Valid, true);
  });

  test('audit --follow prints new events as lines of JSON as they happen, until interrupted', async () => {
    const before = String((await s.json(['create-secret', '--name', 'admin/followed-1', '--secret-string', 'followed-VALUE'])).ARN);
    const follow = spawnProcess(process.execPath, [BIN, 'audit', '--jsonl', '--event-name', 'CreateSecret', '--follow'], s.env);
    const chunks: Buffer[] = [];
    follow.child.stdout!.on('data', (b: Buffer) => chunks.push(b));
    const lines = () => Buffer.concat(chunks).toString('utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const about = (arn: string) => lines().filter((e) => String(e.CloudTrailEvent).includes(arn));
    const waitFor = async (done: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!done() && Date.now() < deadline && follow.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    await waitFor(() => about(before).length > 0); // the listing is out
    const after = String((await s.json(['create-secret', '--name', 'admin/followed-2', '--secret-string', 'followed-VALUE'])).ARN);
    const last = String((await s.json(['create-secret', '--name', 'admin/followed-3', '--secret-string', 'followed-VALUE'])).ARN);
    await waitFor(() => about(last).length > 0);
    follow.child.kill('SIGINT');
    const run = await follow.done;
    assert.equal(about(before).length, 1, `the earlier event, in the listing:\n${run.stdout}\n${run.stderr}`);
    assert.equal(about(after).length, 1, `the later event, printed while following:\n${run.stdout}\n${run.stderr}`);
    const position = (arn: string) => lines().findIndex((e) => String(e.CloudTrailEvent).includes(arn));
    assert.ok(position(after) < position(last), 'events found while following are printed oldest first');
    assert.ok(lines().every((e) => e.EventName === 'CreateSecret'), 'the filter holds while following');
    assert.equal(new Set(lines().map((e) => e.EventId)).size, lines().length, 'no event printed twice');
    assert.doesNotMatch(run.stdout, /followed-VALUE/);
    assert.equal(run.code, 0, run.stderr);
  });

  test('rotate-root-key: the operator moves the store to a new root key; key ids, never key material', async () => {
    await s.json(['create-secret', '--name', 'admin/under-root', '--secret-string', 'survives']);
    const keyFile = join(s.server.dataDir, 'root.key');
    const before = readFileSync(keyFile, 'utf8');
    const result = await s.json(['admin', 'rotate-root-key']);
    assert.deepEqual(Object.keys(result).sort(), ['AccessKeys', 'KeyFile', 'KeyMaterials', 'PreviousRootKeyId', 'RootKeyId', 'RotationFunctions', 'StagedKey']);
    assert.equal(result.KeyFile, keyFile);
    assert.match(String(result.RootKeyId), /^[0-9a-f]{16}$/);
    assert.notEqual(result.RootKeyId, result.PreviousRootKeyId);
    const after = readFileSync(keyFile, 'utf8').trim().split('\n');
    assert.equal(after.length, 2);
    assert.equal(after[1], before.trim(), 'the old key kept below the new one');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const text = await s.run(['admin', 'rotate-root-key', '--output', 'text']);
    assert.equal(text.code, 0, text.stderr);
    for (const line of readFileSync(keyFile, 'utf8').trim().split('\n')) assert.ok(!text.stdout.includes(line), 'no key material printed');
    const read = await s.run(['get-secret-value', '--secret-id', 'admin/under-root', '--query', 'SecretString', '--output', 'text']);
    assert.equal(read.stdout.trim(), 'survives');
    const help = await s.run(['admin', 'help', 'rotate-root-key']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /coffer admin rotate-root-key/);
  });

  test('usage errors and help: missing required flag is 252; help shows the example', async () => {
    const missing = await s.run(['admin', 'put-user-policy', '--user-name', 'x']);
    assert.equal(missing.code, 252);
    assert.match(missing.stderr, /--policy-name, --policy-document/);
    const help = await s.run(['admin', 'help', 'create-access-key']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /coffer admin create-access-key --user-name deploy/);
  });
});
