// HTTPS with AWS's Python tooling: the aws CLI trusting the server's CA by --ca-bundle or AWS_CA_BUNDLE, boto3
// by AWS_CA_BUNDLE, against a server whose certificate a test CA issued. Without the CA both refuse the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cofferProfileEnv, findAwsTools, run } from '../support/aws-tools.ts';
import { createTestCa, opensslMissing, type TestCa } from '../support/tls-cert.ts';

const tools = await findAwsTools({ boto3: true });
const skip = 'missing' in tools ? tools.missing : opensslMissing();

const BOTO3_READ = `
import os, boto3
client = boto3.client('secretsmanager', endpoint_url=os.environ['COFFER_ENDPOINT'])
print(client.get_secret_value(SecretId='tls/cli')['SecretString'])
`;

describe('e2e over HTTPS: the aws CLI and boto3', { skip, concurrency: true }, () => {
  let dir: string;
  let ca: TestCa;
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const { python, aws } = tools as { python: string; aws: string };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-e2e-'));
    ca = createTestCa(dir);
    const cert = ca.issue('server');
    server = await startTestServer({ tls: { certFile: cert.certFile, keyFile: cert.keyFile, caPem: ca.caPem } });
    env = cofferProfileEnv(server.dataDir);
    const created = await run(aws, ['--endpoint-url', server.endpoint, '--ca-bundle', ca.caFile, 'secretsmanager', 'create-secret', '--name', 'tls/cli', '--secret-string', 'cli-over-tls'], env);
    assert.equal(created.code, 0, created.stderr);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const awsCli = (args: string[], extra: Record<string, string> = {}) =>
    run(aws, ['--endpoint-url', server.endpoint, '--output', 'json', 'secretsmanager', ...args], { ...env, ...extra });

  test('aws CLI with --ca-bundle reads the secret it created over HTTPS', async () => {
    const got = await run(aws, ['--endpoint-url', server.endpoint, '--ca-bundle', ca.caFile, '--output', 'json', 'secretsmanager', 'get-secret-value', '--secret-id', 'tls/cli'], env);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(JSON.parse(got.stdout).SecretString, 'cli-over-tls');
  });

  test('aws CLI with AWS_CA_BUNDLE lists it', async () => {
    const listed = await awsCli(['list-secrets'], { AWS_CA_BUNDLE: ca.caFile });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout).SecretList as Array<{ Name: string }>).map((s) => s.Name), ['tls/cli']);
  });

  test('aws CLI without the CA refuses the server', async () => {
    const refused = await awsCli(['list-secrets']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /SSL validation failed|CERTIFICATE_VERIFY_FAILED/);
  });

  test('boto3 with AWS_CA_BUNDLE reads it; without, it refuses the server', async () => {
    const read = await run(python, ['-c', BOTO3_READ], { ...env, COFFER_ENDPOINT: server.endpoint, AWS_CA_BUNDLE: ca.caFile });
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout.trim(), 'cli-over-tls');
    const refused = await run(python, ['-c', BOTO3_READ], { ...env, COFFER_ENDPOINT: server.endpoint });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /SSLError|CERTIFICATE_VERIFY_FAILED/);
  });
});
