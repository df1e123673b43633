// Every Secrets Manager verb through the real `coffer` binary against a real server (SigV4 with the `coffer`
// profile the server wrote): flags derived from the model (shorthand, lists, booleans, file://, fileb://,
// --cli-input-json), JSON output in the model's key order, and the effect checked through the SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startCliServer, type CliServer } from './support/cli.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

describe('coffer <verb>: every Secrets Manager operation', () => {
  let s: CliServer;
  let sdk: SecretsManagerClient;
  let dir: string;

  before(async () => {
    s = await startCliServer();
    sdk = s.server.client();
    dir = mkdtempSync(join(tmpdir(), 'coffer-cli-verbs-'));
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('create-secret with file://, fileb://, shorthand tags and --cli-input-json (flags win over it)', async () => {
    writeFileSync(join(dir, 'value.json'), '{"user":"app","password":"EXAMPLE-1"}');
    writeFileSync(join(dir, 'value.bin'), Buffer.from([0, 1, 2, 0xfe, 0xff]));
    const [app, bin, cij] = await Promise.all([
      s.json(['create-secret', '--name', 'verbs/app', '--description', 'the app', '--secret-string', `file://${join(dir, 'value.json')}`, '--tags', 'Key=team,Value=core', 'Key=tier,Value=1']),
      s.json(['create-secret', '--name', 'verbs/bin', '--secret-binary', `fileb://${join(dir, 'value.bin')}`]),
      s.json(['create-secret', '--cli-input-json', '{"Name":"verbs/cij","SecretString":"from-json","Description":"json description"}', '--description', 'flag description']),
    ]);
    assert.deepEqual(Object.keys(app), ['ARN', 'Name', 'VersionId'], 'CreateSecretResponse member order');
    assert.equal(app.Name, 'verbs/app');
    assert.match(String(app.ARN), /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:verbs\/app-[A-Za-z0-9]{6}$/);

    const described = await sdk.send(new DescribeSecretCommand({ SecretId: 'verbs/app' }));
    assert.equal(described.Description, 'the app');
    assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'core' }, { Key: 'tier', Value: '1' }]);
    assert.equal((await sdk.send(new GetSecretValueCommand({ SecretId: 'verbs/app' }))).SecretString, '{"user":"app","password":"EXAMPLE-1"}');
    const binary = await sdk.send(new GetSecretValueCommand({ SecretId: String(bin.ARN) }));
    assert.deepEqual(Buffer.from(binary.SecretBinary!), Buffer.from([0, 1, 2, 0xfe, 0xff]));
    const fromJson = await sdk.send(new DescribeSecretCommand({ SecretId: String(cij.ARN) }));
    assert.equal(fromJson.Description, 'flag description', 'a flag given with --cli-input-json wins');
    assert.equal((await sdk.send(new GetSecretValueCommand({ SecretId: 'verbs/cij' }))).SecretString, 'from-json');
  });

  test('put-secret-value, update-secret, update-secret-version-stage, tag-resource, untag-resource', async () => {
    const putRun = await s.run(['put-secret-value', '--secret-id', 'verbs/app', '--secret-string', 'PUT-VALUE-7f3a', '--version-stages', 'blue', 'green', '--debug']);
    assert.equal(putRun.code, 0, putRun.stderr);
    assert.match(putRun.stderr, /coffer debug: PutSecretValue -> .* parameters: SecretId, SecretString, VersionStages/);
    assert.doesNotMatch(putRun.stderr, /PUT-VALUE-7f3a|verbs\/app/, '--debug logs parameter names, never values');
    const put = JSON.parse(putRun.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(put), ['ARN', 'Name', 'VersionId', 'VersionStages']);
    assert.deepEqual([...(put.VersionStages as string[])].sort(), ['blue', 'green']);

    const updated = await s.json(['update-secret', '--secret-id', 'verbs/app', '--secret-string', 'three', '--description', 'the app, updated']);
    assert.deepEqual(Object.keys(updated), ['ARN', 'Name', 'VersionId']);
    assert.notEqual(updated.VersionId, put.VersionId);

    const [staged, tagged] = await Promise.all([
      s.json(['update-secret-version-stage', '--secret-id', 'verbs/app', '--version-stage', 'blue', '--move-to-version-id', String(updated.VersionId), '--remove-from-version-id', String(put.VersionId)]),
      s.run(['tag-resource', '--secret-id', 'verbs/app', '--tags', '[{"Key":"owner","Value":"anika"}]']),
    ]);
    assert.deepEqual(Object.keys(staged), ['ARN', 'Name']);
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.equal(tagged.stdout, '', 'TagResource has no output: nothing is printed');
    const versions = await sdk.send(new DescribeSecretCommand({ SecretId: 'verbs/app' }));
    assert.deepEqual(versions.VersionIdsToStages?.[String(updated.VersionId)]?.sort(), ['AWSCURRENT', 'blue']);
    assert.deepEqual(versions.VersionIdsToStages?.[String(put.VersionId)], ['green']);
    assert.equal(versions.Description, 'the app, updated');
    assert.deepEqual(versions.Tags?.map((t) => t.Key).sort(), ['owner', 'team', 'tier']);

    const untagged = await s.run(['untag-resource', '--secret-id', 'verbs/app', '--tag-keys', 'team', 'tier']);
    assert.equal(untagged.code, 0, untagged.stderr);
    assert.deepEqual((await sdk.send(new DescribeSecretCommand({ SecretId: 'verbs/app' }))).Tags, [{ Key: 'owner', Value: 'anika' }]);
  });

  test('get-secret-value, describe-secret, list-secrets, list-secret-version-ids, batch-get-secret-value, get-random-password', async () => {
    const [current, previous, described, listed, versions, batch, password] = await Promise.all([
      s.json(['get-secret-value', '--secret-id', 'verbs/app']),
      s.json(['get-secret-value', '--secret-id', 'verbs/app', '--version-stage', 'AWSPREVIOUS']),
      s.json(['describe-secret', '--secret-id', 'verbs/app']),
      s.json(['list-secrets', '--filters', 'Key=name,Values=verbs/', '--sort-order', 'asc', '--sort-by', 'name']),
      s.json(['list-secret-version-ids', '--secret-id', 'verbs/app', '--include-deprecated']),
      s.json(['batch-get-secret-value', '--secret-id-list', 'verbs/app', 'verbs/cij']),
      s.json(['get-random-password', '--password-length', '24', '--exclude-punctuation', '--no-include-space', '--require-each-included-type']),
    ]);
    assert.deepEqual(Object.keys(current), ['ARN', 'Name', 'VersionId', 'SecretString', 'VersionStages', 'CreatedDate']);
    assert.equal(current.SecretString, 'three');
    assert.match(String(current.CreatedDate), ISO, 'dates print as aws CLI v2 prints them');
    // put-secret-value --version-stages blue green did not move AWSCURRENT, so update-secret moved it from the first version.
    assert.equal(previous.SecretString, '{"user":"app","password":"EXAMPLE-1"}');
    assert.deepEqual(Object.keys(described), ['ARN', 'Name', 'Description', 'LastChangedDate', 'LastAccessedDate', 'Tags', 'VersionIdsToStages', 'CreatedDate']);
    assert.deepEqual((listed.SecretList as { Name: string }[]).map((x) => x.Name), ['verbs/app', 'verbs/bin', 'verbs/cij']);
    assert.deepEqual(Object.keys(listed), ['SecretList'], 'an automatically paginated listing has no NextToken');
    assert.equal((versions.Versions as unknown[]).length, 3);
    assert.deepEqual(Object.keys(versions), ['Versions', 'ARN', 'Name']);
    assert.deepEqual((batch.SecretValues as { SecretString: string }[]).map((v) => v.SecretString).sort(), ['from-json', 'three']);
    assert.match(String(password.RandomPassword), /^[A-Za-z0-9]{24}$/);
  });

  test('delete-secret with a recovery window, restore-secret, delete-secret --force-delete-without-recovery', async () => {
    const deleted = await s.json(['delete-secret', '--secret-id', 'verbs/cij', '--recovery-window-in-days', '7']);
    assert.deepEqual(Object.keys(deleted), ['ARN', 'Name', 'DeletionDate']);
    assert.match(String(deleted.DeletionDate), ISO);
    const [restored, forced] = await Promise.all([
      s.json(['restore-secret', '--secret-id', 'verbs/cij']),
      s.json(['delete-secret', '--secret-id', 'verbs/bin', '--force-delete-without-recovery']),
    ]);
    assert.deepEqual(Object.keys(restored), ['ARN', 'Name']);
    assert.equal((await sdk.send(new DescribeSecretCommand({ SecretId: 'verbs/cij' }))).DeletedDate, undefined, 'restored');
    assert.equal(forced.Name, 'verbs/bin');
    await assert.rejects(sdk.send(new DescribeSecretCommand({ SecretId: 'verbs/bin' })), /can't find/);
    const versions = await sdk.send(new ListSecretVersionIdsCommand({ SecretId: 'verbs/cij' }));
    assert.equal(versions.Versions?.length, 1);
  });

  test('resource policies (validate, put, get, delete), rotate-secret without a function, cancel-rotate-secret', async () => {
    const created = await s.json(['create-secret', '--name', 'verbs/policy', '--secret-string', 'p']);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }],
    });
    writeFileSync(join(dir, 'policy.json'), policy);
    const validated = await s.json(['validate-resource-policy', '--secret-id', 'verbs/policy', '--resource-policy', `file://${join(dir, 'policy.json')}`]);
    assert.equal(validated.PolicyValidationPassed, true);
    const put = await s.json(['put-resource-policy', '--secret-id', 'verbs/policy', '--resource-policy', `file://${join(dir, 'policy.json')}`, '--block-public-policy']);
    assert.deepEqual(put, { ARN: created.ARN, Name: 'verbs/policy' });
    const got = await s.json(['get-resource-policy', '--secret-id', 'verbs/policy']);
    assert.deepEqual(Object.keys(got), ['ARN', 'Name', 'ResourcePolicy']);
    assert.deepEqual(JSON.parse(String(got.ResourcePolicy)), JSON.parse(policy));
    assert.deepEqual(await s.json(['delete-resource-policy', '--secret-id', 'verbs/policy']), { ARN: created.ARN, Name: 'verbs/policy' });
    assert.equal((await s.json(['get-resource-policy', '--secret-id', 'verbs/policy'])).ResourcePolicy, undefined);

    const rotate = await s.run(['rotate-secret', '--secret-id', 'verbs/policy']);
    assert.equal(rotate.code, 254);
    assert.match(rotate.stderr, /^\nAn error occurred \(\w+\) when calling the RotateSecret operation: \S/);
    const cancel = await s.json(['cancel-rotate-secret', '--secret-id', 'verbs/policy']);
    assert.equal(cancel.Name, 'verbs/policy');
  });
});
