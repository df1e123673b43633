// Replication to another Coffer deployment through boto3 (python/boto3_peer_replication.py): two servers, the
// first sending eu-west-1 to the second (COFFER_PEERS); replicas arrive, follow changes, and are promoted there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cofferProfileEnv, findAwsTools, run } from '../support/aws-tools.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'python', 'boto3_peer_replication.py');
const tools = await findAwsTools({ boto3: true });
const missing = 'missing' in tools ? tools.missing : undefined;

describe('e2e: replication to another deployment through boto3', { skip: missing }, () => {
  let peer: TestServer;
  let primary: TestServer;

  before(async () => {
    peer = await startTestServer();
    const { accessKeyId, secretAccessKey } = peer.credentials;
    primary = await startTestServer({
      env: { COFFER_PEERS: `eu-west-1=${peer.endpoint}`, COFFER_PEER_CREDENTIALS: `eu-west-1=${accessKeyId}:${secretAccessKey}`, COFFER_SWEEP_INTERVAL_SECONDS: '1' },
    });
  });
  after(async () => {
    await primary?.close();
    await peer?.close();
  });

  test('the peer scenario passes', async () => {
    const { python } = tools as { python: string };
    const env = {
      ...cofferProfileEnv(primary.dataDir),
      COFFER_ENDPOINT: primary.endpoint,
      COFFER_PEER_ENDPOINT: peer.endpoint,
      COFFER_PEER_KEY_ID: peer.credentials.accessKeyId,
      COFFER_PEER_SECRET_KEY: peer.credentials.secretAccessKey,
    };
    const result = await run(python, [SCRIPT], env, 120_000);
    const reports = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { scenario: string; ok: boolean; error?: string; trace?: string });
    const failed = reports.filter((r) => !r.ok).map((r) => `${r.scenario}: ${r.error}\n${r.trace}`);
    assert.deepEqual(failed, [], `boto3 peer scenario failed:\n${failed.join('\n')}\n${result.stderr}`);
    assert.deepEqual(reports.map((r) => r.scenario), ['replicate_to_peer_and_promote'], `the scenario ran:\n${result.stderr}`);
    assert.equal(result.code, 0, result.stderr);
  });
});
