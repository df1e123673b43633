// A few `aws kms ...` commands (the AWS CLI, with the `coffer` profile the server wrote) against a real
// server: create a key and an alias, encrypt and decrypt files, a refusal's error as the CLI prints it; the
// key lifecycle (material rotation, re-encrypt, data keys, tags, aliases, the deletion window); the default key.
// Without the aws CLI the suite is skipped with the reason, except under CI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cofferProfileEnv, findAwsTools, run, type Run } from '../support/aws-tools.ts';

const tools = await findAwsTools({ boto3: false });

describe('aws kms (CLI) against a real server', { skip: 'missing' in tools ? tools.missing : undefined }, () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const { aws } = tools as { aws: string };

  before(async () => {
    server = await startTestServer();
    env = cofferProfileEnv(server.dataDir);
  });
  after(() => server?.close());

  const kms = async (...args: string[]): Promise<Run> => run(aws, ['--endpoint-url', server.endpoint, 'kms', ...args], env);
  const json = async (...args: string[]) => {
    const r = await kms(...args, '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON, checked field by field
    return JSON.parse(r.stdout) as Record<string, any>;
  };

  it('create-key, create-alias, encrypt and decrypt files, disable-key and the refusal as the CLI prints it', async () => {
    const { KeyMetadata } = await json('create-key', '--description', 'cli key', '--tags', 'TagKey=team,TagValue=cli');
    assert.deepEqual([KeyMetadata.KeyState, KeyMetadata.KeySpec, KeyMetadata.Description], ['Enabled', 'SYMMETRIC_DEFAULT', 'cli key']);
    const keyId: string = KeyMetadata.KeyId;
    assert.equal((await kms('create-alias', '--alias-name', 'alias/cli', '--target-key-id', keyId)).code, 0);

    const plainFile = join(server.dataDir, 'plain.txt');
    const blobFile = join(server.dataDir, 'blob.bin');
    writeFileSync(plainFile, 'from the command line');
    const sealed = await json('encrypt', '--key-id', 'alias/cli', '--plaintext', `fileb://${plainFile}`, '--encryption-context', 'purpose=cli');
    assert.equal(sealed.KeyId, KeyMetadata.Arn);
    writeFileSync(blobFile, Buffer.from(sealed.CiphertextBlob, 'base64'));
    const opened = await json('decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=cli');
    assert.equal(Buffer.from(opened.Plaintext, 'base64').toString(), readFileSync(plainFile, 'utf8'));

    assert.equal((await kms('disable-key', '--key-id', keyId)).code, 0);
    const refused = await kms('decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=cli');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`An error occurred \\(DisabledException\\) when calling the Decrypt operation: ${KeyMetadata.Arn} is disabled\\.`));

  });

  const fails = async (pattern: RegExp, ...args: string[]) => {
    const r = await kms(...args);
    assert.notEqual(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, pattern);
  };

  it('the lifecycle: rotation of key material, re-encrypt, data keys, tags, aliases, deletion window and its cancellation', async () => {
    const { KeyMetadata } = await json('create-key', '--description', 'lifecycle');
    const keyId: string = KeyMetadata.KeyId;
    const arn: string = KeyMetadata.Arn;
    assert.match(keyId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(arn, `arn:aws:kms:us-east-1:${server.app.accountId}:key/${keyId}`);

    // Material rotation: old material stays for decryption, ciphertexts need no KeyId.
    const plainFile = join(server.dataDir, 'v1.txt');
    writeFileSync(plainFile, 'v1 material');
    const before = await json('encrypt', '--key-id', keyId, '--plaintext', `fileb://${plainFile}`);
    assert.equal((await kms('enable-key-rotation', '--key-id', keyId, '--rotation-period-in-days', '90')).code, 0);
    const status = await json('get-key-rotation-status', '--key-id', keyId);
    assert.deepEqual([status.KeyRotationEnabled, status.KeyId, status.RotationPeriodInDays], [true, arn, 90]);
    assert.ok(status.NextRotationDate, 'the next automatic rotation is scheduled');
    assert.ok(String((await json('rotate-key-on-demand', '--key-id', keyId)).KeyId).endsWith(keyId));
    const rotations = await json('list-key-rotations', '--key-id', keyId);
    assert.deepEqual(rotations.Rotations.map((r: { RotationType: string }) => r.RotationType), ['ON_DEMAND']);
    const blobFile = join(server.dataDir, 'v1.bin');
    writeFileSync(blobFile, Buffer.from(before.CiphertextBlob, 'base64'));
    assert.equal(Buffer.from((await json('decrypt', '--ciphertext-blob', `fileb://${blobFile}`)).Plaintext, 'base64').toString(), 'v1 material');
    assert.equal((await kms('disable-key-rotation', '--key-id', keyId)).code, 0);
    assert.equal((await json('get-key-rotation-status', '--key-id', keyId)).KeyRotationEnabled, false);

    // ReEncrypt to another key; data keys; random bytes.
    const other = (await json('create-key')).KeyMetadata;
    const moved = await json('re-encrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--destination-key-id', other.KeyId);
    assert.deepEqual([moved.SourceKeyId, moved.KeyId], [arn, other.Arn]);
    const movedFile = join(server.dataDir, 'moved.bin');
    writeFileSync(movedFile, Buffer.from(moved.CiphertextBlob, 'base64'));
    assert.equal(Buffer.from((await json('decrypt', '--ciphertext-blob', `fileb://${movedFile}`)).Plaintext, 'base64').toString(), 'v1 material');
    await fails(/\(IncorrectKeyException\) when calling the Decrypt operation/, 'decrypt', '--ciphertext-blob', `fileb://${movedFile}`, '--key-id', keyId);
    const dataKey = await json('generate-data-key', '--key-id', keyId, '--key-spec', 'AES_256');
    assert.equal(Buffer.from(dataKey.Plaintext, 'base64').length, 32);
    assert.equal(Buffer.from((await json('generate-data-key-without-plaintext', '--key-id', keyId, '--number-of-bytes', '16')).CiphertextBlob, 'base64').length > 16, true);
    assert.equal(Buffer.from((await json('generate-random', '--number-of-bytes', '24')).Plaintext, 'base64').length, 24);

    // Tags, description, aliases.
    assert.equal((await kms('tag-resource', '--key-id', keyId, '--tags', 'TagKey=env,TagValue=test', 'TagKey=team,TagValue=core')).code, 0);
    assert.equal((await kms('untag-resource', '--key-id', keyId, '--tag-keys', 'team')).code, 0);
    assert.deepEqual((await json('list-resource-tags', '--key-id', keyId)).Tags, [{ TagKey: 'env', TagValue: 'test' }]);
    assert.equal((await kms('update-key-description', '--key-id', keyId, '--description', 'renamed')).code, 0);
    assert.equal((await kms('create-alias', '--alias-name', 'alias/life', '--target-key-id', keyId)).code, 0);
    await fails(/\(AlreadyExistsException\) when calling the CreateAlias operation/, 'create-alias', '--alias-name', 'alias/life', '--target-key-id', keyId);
    await fails(/\(NotAuthorizedException\) when calling the CreateAlias operation/, 'create-alias', '--alias-name', 'alias/aws/mine', '--target-key-id', keyId);
    assert.equal((await json('describe-key', '--key-id', 'alias/life')).KeyMetadata.Description, 'renamed');
    assert.equal((await kms('update-alias', '--alias-name', 'alias/life', '--target-key-id', other.KeyId)).code, 0);
    const aliases = await json('list-aliases', '--key-id', other.KeyId);
    assert.deepEqual(aliases.Aliases.map((a: { AliasName: string }) => a.AliasName), ['alias/life']);
    assert.equal((await kms('delete-alias', '--alias-name', 'alias/life')).code, 0);
    await fails(/\(NotFoundException\) when calling the DescribeKey operation/, 'describe-key', '--key-id', 'alias/life');

    // The deletion window: 7-30 days (30 by default), the key unusable meanwhile, cancellation leaves it Disabled.
    await fails(/\(ValidationException\) when calling the ScheduleKeyDeletion operation/, 'schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '6');
    const scheduled = await json('schedule-key-deletion', '--key-id', keyId);
    assert.deepEqual([scheduled.KeyState, scheduled.PendingWindowInDays], ['PendingDeletion', 30]);
    await fails(new RegExp(`\\(KMSInvalidStateException\\) when calling the Encrypt operation: ${arn} is pending deletion\\.`), 'encrypt', '--key-id', keyId, '--plaintext', 'eA==');
    await fails(/\(KMSInvalidStateException\) when calling the ScheduleKeyDeletion operation/, 'schedule-key-deletion', '--key-id', keyId);
    assert.equal((await json('cancel-key-deletion', '--key-id', keyId)).KeyId, arn);
    assert.equal((await json('describe-key', '--key-id', keyId)).KeyMetadata.KeyState, 'Disabled');
    assert.equal((await kms('enable-key', '--key-id', keyId)).code, 0);
    assert.equal((await json('encrypt', '--key-id', keyId, '--plaintext', 'eA==')).KeyId, arn);
    await fails(/\(NotFoundException\) when calling the DescribeKey operation/, 'describe-key', '--key-id', '00000000-0000-0000-0000-000000000000');
  });

  it('the default key aws/secretsmanager can be described but not disabled, deleted or used directly', async () => {
    const { KeyMetadata } = await json('describe-key', '--key-id', 'alias/aws/secretsmanager');
    assert.equal(KeyMetadata.KeyManager, 'AWS');
    for (const args of [['disable-key'], ['schedule-key-deletion'], ['encrypt', '--plaintext', 'eA==']]) {
      await fails(/\(AccessDeniedException\)/, ...args, '--key-id', KeyMetadata.KeyId);
    }
    await fails(/\(NotAuthorizedException\) when calling the DeleteAlias operation/, 'delete-alias', '--alias-name', 'alias/aws/secretsmanager');
    assert.equal((await json('describe-key', '--key-id', KeyMetadata.KeyId)).KeyMetadata.KeyState, 'Enabled');
  });
});
