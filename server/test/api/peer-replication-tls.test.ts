// Replication to a peer deployment over HTTPS: the peer's certificate is checked against the system's CAs and
// COFFER_PEER_CA. A primary that trusts the peer's CA replicates; one that does not never sends the value and
// shows why, InProgress (it keeps trying: a certificate can be fixed).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { startAccessServer, type AccessServer } from '../access/helpers.ts';
import { createTestCa, opensslMissing } from '../support/tls-cert.ts';
import { eventually, expectAwsError, uniqueName } from './helpers.ts';

const PEER = 'eu-west-1';
const skip = opensslMissing();

describe('replication to a peer over HTTPS', { skip }, () => {
  let dir: string;
  let peer: AccessServer;
  let trusting: AccessServer;
  let untrusting: AccessServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-peer-tls-'));
    const ca = createTestCa(dir);
    const cert = ca.issue('peer');
    peer = await startAccessServer({ tls: { certFile: cert.certFile, keyFile: cert.keyFile, caPem: ca.caPem } });
    assert.match(peer.server.endpoint, /^https:/);
    const env = {
      COFFER_PEERS: `${PEER}=${peer.server.endpoint}`,
      COFFER_PEER_CREDENTIALS: `${PEER}=${peer.root.accessKeyId}:${peer.root.secretAccessKey}`,
      COFFER_SWEEP_INTERVAL_SECONDS: '1',
      COFFER_PEER_RETRY_MAX_SECONDS: '1',
    };
    trusting = await startAccessServer({ env: { ...env, COFFER_PEER_CA: ca.caFile } });
    untrusting = await startAccessServer({ env });
  });
  after(async () => {
    await trusting?.close();
    await untrusting?.close();
    await peer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function status(server: AccessServer, name: string) {
    return (await server.server.client().send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0];
  }

  it('replicates over TLS to a peer whose CA it trusts', async () => {
    const name = uniqueName('tlspeer');
    await trusting.server.client().send(new CreateSecretCommand({ Name: name, SecretString: 'over-tls', AddReplicaRegions: [{ Region: PEER }] }));
    await eventually('the replication status', async () => (await status(trusting, name))?.Status === 'InSync');
    assert.equal((await peer.server.client({ region: PEER }).send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'over-tls');
  });

  it('sends nothing to a peer whose certificate it cannot verify, and says why', async () => {
    const name = uniqueName('tlsuntrusted');
    await untrusting.server.client().send(new CreateSecretCommand({ Name: name, SecretString: 'must-not-leave', AddReplicaRegions: [{ Region: PEER }] }));
    await eventually('the replication status', async () => /could not be reached/.test((await status(untrusting, name))?.StatusMessage ?? ''));
    const s = await status(untrusting, name);
    assert.equal(s?.Status, 'InProgress');
    assert.match(s!.StatusMessage!, /certificate/);
    await expectAwsError(peer.server.client({ region: PEER }).send(new GetSecretValueCommand({ SecretId: name })), 'ResourceNotFoundException');
  });
});
