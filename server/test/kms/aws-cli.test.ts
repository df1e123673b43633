// A few `aws kms ...` commands (the AWS CLI, with the `coffer` profile the server wrote) against a real
// server: create a key and an alias, encrypt and decrypt files, a refusal's error as the CLI prints it.
// Without the aws CLI the suite is skipped with the reason, except under CI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The environment without the machine's AWS_* settings: only what the test passes counts. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))), ...extra };
}

async function findAws(): Promise<{ aws: string } | { missing: string }> {
  // The aws script next to python3 skips version-manager shims (pyenv adds ~0.5 s a call).
  const python = await run('python3', ['-c', 'import sys; print(sys.executable)'], cleanEnv());
  const beside = python.code === 0 ? join(dirname(python.stdout.trim()), 'aws') : '';
  const aws = beside && existsSync(beside) ? beside : 'aws';
  const version = await run(aws, ['--version'], cleanEnv());
  if (version.code !== 0 || !/aws-cli\//.test(version.stdout + version.stderr)) return { missing: 'the aws CLI is not available (aws --version failed)' };
  return { aws };
}

const tools = await findAws();
if ('missing' in tools && process.env.CI === 'true') throw new Error(`${tools.missing}: required under CI`);

describe('aws kms (CLI) against a real server', { skip: 'missing' in tools ? tools.missing : undefined }, () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const { aws } = tools as { aws: string };

  before(async () => {
    server = await startTestServer();
    env = cleanEnv({
      AWS_SHARED_CREDENTIALS_FILE: join(server.dataDir, 'credentials'),
      AWS_PROFILE: 'coffer',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(server.dataDir, 'no-aws-config'),
      AWS_PAGER: '',
    });
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
});
