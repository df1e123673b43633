// Replication across deployments: two Coffer servers on one machine (two ports, two data directories, two root
// keys), the first (us-east-1) declaring with COFFER_PEERS that eu-west-1 is served by the second. Through the
// JS SDK: replicas reach the peer and follow every change; a peer stopped with kill -9 is caught up when it
// comes back; the primary stopped with kill -9 in the middle of a stream of writes keeps serving nothing while
// the peer serves reads and promotes a replica, and after its restart the replica holds exactly its versions
// and labels.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  StopReplicationToReplicaCommand,
  TagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type DescribeSecretResponse,
} from '@aws-sdk/client-secrets-manager';
import { freePort, spawnServer, type ServerProcess } from '../store/server-process.ts';
import { readCredentials } from '../support/test-server.ts';
import { eventually, expectAwsError, replicaView, token, uniqueName } from '../api/helpers.ts';

const PRIMARY = 'us-east-1';
const PEER = 'eu-west-1';
const REPLICA_WRITE = "Operation not permitted on a replica secret. Call must be made in primary secret's region.";
const MARK = 'PeerMark-8Jq2xW4z';
const FAST = { COFFER_WORKERS: '1', COFFER_SWEEP_INTERVAL_SECONDS: '1', COFFER_PEER_RETRY_MAX_SECONDS: '1' };

describe('replication to another Coffer deployment', () => {
  const root = mkdtempSync(join(tmpdir(), 'coffer-peers-'));
  const dirA = join(root, 'a');
  const dirB = join(root, 'b');
  let a: ServerProcess;
  let b: ServerProcess;
  let bPort: number;
  let envA: Record<string, string>;

  const client = (server: ServerProcess, dir: string, region: string) =>
    new SecretsManagerClient({ endpoint: server.url, region, credentials: readCredentials(join(dir, 'credentials')), maxAttempts: 1 });
  let us: SecretsManagerClient;
  let eu: SecretsManagerClient;

  async function startA(): Promise<void> {
    a = await spawnServer({ dataDir: dirA, env: envA });
    us = client(a, dirA, PRIMARY);
  }
  async function startB(): Promise<void> {
    b = await spawnServer({ dataDir: dirB, env: FAST, port: bPort });
    eu = client(b, dirB, PEER);
  }

  before(async () => {
    bPort = await freePort();
    await startB();
    const { accessKeyId, secretAccessKey } = readCredentials(join(dirB, 'credentials'));
    envA = { ...FAST, COFFER_PEERS: `${PEER}=${b.url}`, COFFER_PEER_CREDENTIALS: `${PEER}=${accessKeyId}:${secretAccessKey}` };
    await startA();
    // Two deployments, two root keys.
    assert.notEqual(readFileSync(join(dirA, 'root.key'), 'utf8'), readFileSync(join(dirB, 'root.key'), 'utf8'));
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** The peer region's entry in the primary's ReplicationStatus. */
  async function peerStatus(name: string) {
    const d: DescribeSecretResponse = await us.send(new DescribeSecretCommand({ SecretId: name }));
    return d.ReplicationStatus?.find((r) => r.Region === PEER);
  }

  const inSync = (name: string, timeoutMs?: number) => eventually(`${name} InSync`, async () => (await peerStatus(name))?.Status === 'InSync', timeoutMs);

  it('replicates to the peer: InProgress until the peer has it, then InSync; the peer serves it read-only', async () => {
    const name = uniqueName('peer');
    const created = await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-v1`, AddReplicaRegions: [{ Region: PEER }] }));
    // The push happens after the commit: the answer cannot have seen the peer acknowledge it.
    assert.deepEqual(created.ReplicationStatus, [{ Region: PEER, KmsKeyId: 'alias/aws/secretsmanager', Status: 'InProgress' }]);
    await inSync(name);
    assert.equal((await peerStatus(name))?.StatusMessage, 'Replication succeeded');

    const read = await eu.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(read.SecretString, `${MARK}-v1`);
    assert.equal(read.VersionId, created.VersionId);
    assert.equal(read.ARN, created.ARN!.replace(`:${PRIMARY}:`, `:${PEER}:`).replace(/:\d{12}:/, `:${read.ARN!.split(':')[4]}:`));
    assert.ok(read.ARN!.endsWith(created.ARN!.slice(-7)), 'the replica keeps the primary ARN suffix');
    const described = await eu.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(described.PrimaryRegion, PRIMARY);
    await expectAwsError(eu.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'nope' })), 'InvalidParameterException', REPLICA_WRITE);
    await expectAwsError(eu.send(new UpdateSecretCommand({ SecretId: name, Description: 'nope' })), 'InvalidParameterException', REPLICA_WRITE);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-v1`);

    // Every kind of change reaches it.
    const v2 = token();
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-v2`, ClientRequestToken: v2 }));
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: Buffer.from(`${MARK}-bin`), VersionStages: ['custom'] }));
    await us.send(new UpdateSecretCommand({ SecretId: name, Description: 'second', SecretString: `${MARK}-v3` }));
    await us.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'pinned', MoveToVersionId: v2 }));
    await us.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'env', Value: 'prod' }] }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }] });
    await us.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }));
    await inSync(name);
    assert.deepEqual(await replicaView(eu, name), await replicaView(us, name));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-v3`);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'pinned' }))).SecretString, `${MARK}-v2`);
    assert.deepEqual(Buffer.from((await eu.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'custom' }))).SecretBinary!), Buffer.from(`${MARK}-bin`));
  });

  it('a peer stopped with kill -9 is caught up in order when it comes back', async () => {
    const name = uniqueName('peerdown');
    await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-0`, AddReplicaRegions: [{ Region: PEER }] }));
    await inSync(name);
    await b.killHard();
    for (let i = 1; i <= 5; i++) await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-${i}` }));
    await eventually('the push to fail', async () => (await peerStatus(name))?.StatusMessage?.includes('could not be reached') === true);
    assert.equal((await peerStatus(name))?.Status, 'InProgress');
    await startB();
    await inSync(name);
    assert.deepEqual(await replicaView(eu, name), await replicaView(us, name));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-5`);
  });

  it('the primary killed mid-stream: the peer serves reads and promotes; after the restart the replica equals the primary', async () => {
    const name = uniqueName('stream');
    const promoted = uniqueName('promote');
    await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-s0`, AddReplicaRegions: [{ Region: PEER }] }));
    await us.send(new CreateSecretCommand({ Name: promoted, SecretString: `${MARK}-p0`, AddReplicaRegions: [{ Region: PEER }] }));
    await inSync(name);
    await inSync(promoted);

    // A steady stream of writes; the primary is killed while it runs.
    const acknowledged: string[] = [];
    let stop = false;
    const stream = (async () => {
      for (let i = 1; !stop; i++) {
        try {
          const out = await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-s${i}`, VersionStages: i % 3 === 0 ? ['AWSCURRENT', `mark${i % 2}`] : undefined }));
          acknowledged.push(out.VersionId!);
        } catch {
          return; // the server is gone
        }
      }
    })();
    await eventually('20 writes', async () => acknowledged.length >= 20);
    await a.killHard();
    stop = true;
    await stream;

    // The primary site is down: the replica site serves reads and promotes a replica.
    const during = await eu.send(new GetSecretValueCommand({ SecretId: name }));
    assert.match(during.SecretString!, new RegExp(`^${MARK}-s\\d+$`));
    await eu.send(new StopReplicationToReplicaCommand({ SecretId: promoted }));
    const standalone = await eu.send(new DescribeSecretCommand({ SecretId: promoted }));
    assert.equal(standalone.PrimaryRegion, undefined);
    await eu.send(new PutSecretValueCommand({ SecretId: promoted, SecretString: `${MARK}-p-site-b` }));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: promoted }))).SecretString, `${MARK}-p-site-b`);

    await startA();
    // Every write the primary acknowledged survived the kill, and the peer ends with exactly the primary's state.
    const primaryVersions = new Set((await us.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true, MaxResults: 100 }))).Versions!.map((v) => v.VersionId));
    for (const id of acknowledged) assert.ok(primaryVersions.has(id), `acknowledged version ${id} is on the primary`);
    // No new write: the restarted primary pushes what its killed predecessor left behind (its push lease, 20 s,
    // runs out first).
    await inSync(name, 45_000);
    const replica = await replicaView(eu, name);
    assert.deepEqual(replica, await replicaView(us, name));
    assert.ok(replica.versions.length >= acknowledged.length + 1);

    // The promoted secret is B's own now: the primary's next change to it is refused there (Failed, AWS's text).
    await us.send(new PutSecretValueCommand({ SecretId: promoted, SecretString: `${MARK}-p1` }));
    await eventually('Failed', async () => (await peerStatus(promoted))?.Status === 'Failed');
    assert.match((await peerStatus(promoted))!.StatusMessage!, /Secret with this name already exists in this region/);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: promoted }))).SecretString, `${MARK}-p-site-b`);
  });
});
