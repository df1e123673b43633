// Replication across deployments on SQLite and PostgreSQL, two in-process servers per store: the peer side
// (PutReplicaSecret, the admin operation a primary deployment calls: idempotent, ordered, refusing what it must)
// and the primary side (ReplicateSecretToRegions to a region COFFER_PEERS names, its status, its removal).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  UpdateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, startAccessServer, type AccessServer, type Credentials } from '../access/helpers.ts';
import { eventually, expectAwsError, rawRequest, token, uniqueName } from './helpers.ts';

const PRIMARY = 'us-east-1';
const PEER = 'eu-west-1';
const NAME_EXISTS = 'Secret with this name already exists in this region';
const MARK = 'PeerApiMark-3vR8';

for (const backend of BACKENDS) describe(`replication across deployments (${backend.name})`, { skip: backend.skip }, () => {
  let peer: AccessServer;
  let primary: AccessServer;
  let eu: SecretsManagerClient;
  let us: SecretsManagerClient;

  before(async () => {
    peer = await startAccessServer({ backend: backend.name });
    const env = {
      COFFER_PEERS: `${PEER}=${peer.server.endpoint}`,
      COFFER_PEER_CREDENTIALS: `${PEER}=${peer.root.accessKeyId}:${peer.root.secretAccessKey}`,
      COFFER_SWEEP_INTERVAL_SECONDS: '1',
      COFFER_PEER_RETRY_MAX_SECONDS: '1',
    };
    primary = await startAccessServer({ backend: backend.name, env });
    eu = peer.server.client({ region: PEER });
    us = primary.server.client({ region: PRIMARY });
  });
  after(async () => {
    await primary?.close();
    await peer?.close();
  });

  /** PutReplicaSecret on the peer, signed for the peer region, as a primary deployment sends it. */
  async function put(input: Record<string, unknown>, credentials: Credentials = peer.root) {
    const res = await rawRequest(peer.server.endpoint, JSON.stringify(input), { credentials, region: PEER, service: 'coffer', target: 'CofferAdmin.PutReplicaSecret' });
    if (res.status !== 200) throw Object.assign(new Error(String(res.json?.Message)), { name: String(res.json?.__type), status: res.status });
    return res.json as { ARN: string; Applied: boolean };
  }

  function push(name: string, change: number, versions: Array<[string, string, string[]]>, extra: Record<string, unknown> = {}) {
    return {
      PrimaryArn: `arn:aws:secretsmanager:${PRIMARY}:111122223333:secret:${name}-AbC123`,
      Change: change,
      Versions: versions.map(([id, value], i) => ({ VersionId: id, CreatedDate: 1_700_000_000 + i, SecretString: value })),
      VersionIdsToStages: versions.flatMap(([id, , stages]) => stages.map((s) => ({ VersionStage: s, VersionId: id }))),
      ...extra,
    };
  }

  async function state(name: string) {
    const v = await eu.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    const d = await eu.send(new DescribeSecretCommand({ SecretId: name }));
    return { versions: v.Versions!.map((x) => [x.VersionId, x.VersionStages, x.CreatedDate?.getTime()]), description: d.Description, tags: d.Tags, primary: d.PrimaryRegion };
  }

  it('PutReplicaSecret writes a read-only replica; repeated it changes nothing, an older change is ignored', async () => {
    const name = uniqueName('peerput');
    const [v1, v2] = [token(), token()];
    const first = push(name, 5, [[v1, `${MARK}-1`, ['AWSPREVIOUS']], [v2, `${MARK}-2`, ['AWSCURRENT']]], { Description: 'd', Tags: [{ Key: 'k', Value: 'v' }], Tagged: true });
    const out = await put(first);
    assert.equal(out.Applied, true);
    assert.match(out.ARN, new RegExp(`^arn:aws:secretsmanager:${PEER}:${peer.accountId}:secret:${name}-AbC123$`));
    const written = await state(name);
    assert.equal(written.primary, PRIMARY);
    assert.equal(written.description, 'd');
    assert.deepEqual(written.tags, [{ Key: 'k', Value: 'v' }]);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-2`);

    assert.equal((await put(first)).Applied, true);
    assert.deepEqual(await state(name), written, 'the same push again duplicates nothing');
    const stale = await put(push(name, 4, [[v1, `${MARK}-1`, ['AWSCURRENT']]]));
    assert.equal(stale.Applied, false);
    assert.deepEqual(await state(name), written, 'an older change is ignored');

    // A newer state: a version gone, the labels moved, a new version.
    const v3 = token();
    await put(push(name, 6, [[v2, `${MARK}-2`, ['AWSPREVIOUS']], [v3, `${MARK}-3`, ['AWSCURRENT']]]));
    const after = await state(name);
    assert.deepEqual(after.versions.map((v) => v[0]).sort(), [v2, v3].sort());
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-3`);
    assert.equal(after.description, undefined);

    // Versions the replica holds may come without their value; one it lacks may not.
    const v4 = token();
    const omitting = (versions: Array<[string, string, string[]]>, omit: string[]) => {
      const body = push(name, 7, versions);
      body.Versions = body.Versions.map((v) => (omit.includes(v.VersionId) ? { VersionId: v.VersionId, CreatedDate: v.CreatedDate, ValueOmitted: true } : v)) as typeof body.Versions;
      return body;
    };
    await assert.rejects(put(omitting([[v3, 'ignored', ['AWSCURRENT']], [v4, 'ignored', []]], [v3, v4])), { name: 'ResourceNotFoundException' });
    assert.deepEqual(await state(name), after, 'a refused push changes nothing');
    await put(omitting([[v3, 'ignored', ['AWSPREVIOUS']], [v4, `${MARK}-4`, ['AWSCURRENT']]], [v3]));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-4`);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name, VersionId: v3 }))).SecretString, `${MARK}-3`);
    await expectAwsError(eu.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'x' })), 'InvalidParameterException');
    // its key comes with the primary's pushes: it is changed there, not here
    const held = await state(name);
    await expectAwsError(eu.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: 'alias/aws/secretsmanager' })), 'InvalidRequestException', /another deployment/);
    assert.deepEqual(await state(name), held);
  });

  it('PutReplicaSecret refuses what it must and changes nothing', async () => {
    const name = uniqueName('peerbad');
    const v1 = token();
    // A label on a version that is not sent.
    await assert.rejects(put(push(name, 1, [[v1, 'x', []]], { VersionIdsToStages: [{ VersionStage: 'AWSCURRENT', VersionId: token() }] })), { name: 'InvalidParameterException' });
    // A primary in the region the request is signed for.
    await assert.rejects(put({ ...push(name, 1, [[v1, 'x', ['AWSCURRENT']]]), PrimaryArn: `arn:aws:secretsmanager:${PEER}:111122223333:secret:${name}-AbC123` }), { name: 'InvalidParameterException' });
    // The model's validation: Change is required.
    const { Change: _, ...noChange } = push(name, 1, [[v1, 'x', ['AWSCURRENT']]]);
    await assert.rejects(put(noChange), { name: 'ValidationException' });
    await expectAwsError(eu.send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException');

    // A standalone secret of that name is not replaced (unless forced).
    await eu.send(new CreateSecretCommand({ Name: name, SecretString: 'mine' }));
    await assert.rejects(put(push(name, 1, [[v1, 'theirs', ['AWSCURRENT']]])), { name: 'ResourceExistsException', message: NAME_EXISTS });
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'mine');
    await put(push(name, 1, [[v1, 'theirs', ['AWSCURRENT']]], { ForceOverwriteReplicaSecret: true }));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'theirs');

    // The peer principal needs secretsmanager:ReplicateSecretToRegions here.
    const other = uniqueName('peerauth');
    const denied = await peer.user(uniqueName('u'), { p: allow('secretsmanager:GetSecretValue') });
    await assert.rejects(put(push(other, 1, [[v1, 'x', ['AWSCURRENT']]]), denied), { name: 'AccessDeniedException' });
    const allowed = await peer.user(uniqueName('u'), { p: allow('secretsmanager:ReplicateSecretToRegions') });
    assert.equal((await put(push(other, 1, [[v1, 'x', ['AWSCURRENT']]]), allowed)).Applied, true);
  });

  it('ReplicateSecretToRegions to a peer region: InProgress, then InSync once pushed; refused twice; removable', async () => {
    const name = uniqueName('peerrepl');
    const created = await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-a` }));
    const out = await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: PEER }] }));
    assert.deepEqual(out.ReplicationStatus, [{ Region: PEER, KmsKeyId: 'alias/aws/secretsmanager', Status: 'InProgress' }]);
    await eventually('the replication status', async () => (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0].Status === 'InSync');
    const read = await eu.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(read.SecretString, `${MARK}-a`);
    assert.equal(read.VersionId, created.VersionId);
    await expectAwsError(us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: PEER }] })), 'InvalidParameterException', `The secret is already replicated to Region ${PEER}.`);

    const removed = await us.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [PEER] }));
    assert.deepEqual(removed.ReplicationStatus, []);
    assert.equal((await us.send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, undefined);
    // Nothing is pushed any more.
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-b` }));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-a`);
  });

  it('audits the push on both sides without a value: PutReplicaSecret on the peer, ReplicationSucceeded on the primary', async () => {
    const name = uniqueName('peeraudit');
    const created = await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-audited`, AddReplicaRegions: [{ Region: PEER }] }));
    await eventually('the replication status', async () => (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0].Status === 'InSync');
    type Event = { EventName: string; CloudTrailEvent: string };
    const lookup = async (server: AccessServer, EventName: string) => ((await server.admin('LookupEvents', { EventName, MaxResults: 50 })) as { Events: Event[] }).Events;
    let pushed: Event[] = [];
    let told: Event[] = [];
    await eventually('the replication status', async () => {
      pushed = (await lookup(peer, 'PutReplicaSecret')).filter((e) => e.CloudTrailEvent.includes(created.ARN!));
      told = (await lookup(primary, 'ReplicationSucceeded')).filter((e) => e.CloudTrailEvent.includes(created.ARN!));
      return pushed.length > 0 && told.length > 0;
    });
    // The peer records the replica written, as a replica written in one deployment is (the change feed reads it).
    let written: Event[] = [];
    await eventually('the peer event', async () => {
      written = (await lookup(peer, 'ReplicationSucceeded')).filter((e) => e.CloudTrailEvent.includes(created.ARN!));
      return written.length > 0;
    });
    assert.equal(JSON.parse(written[0].CloudTrailEvent).awsRegion, PEER);
    // The change feed on the peer lists it (paged from the start of the trail).
    const changes: Array<{ Name: string; EventName: string }> = [];
    for (let after = 0, page = 0; page < 50; page++) {
      const feed = await rawRequest(peer.server.endpoint, JSON.stringify({ After: after, MaxResults: 100 }), { credentials: peer.root, region: PEER, service: 'coffer', target: 'CofferAdmin.GetSecretChanges' });
      const body = feed.json as { Changes: Array<{ Name: string; EventName: string }>; Position: number };
      changes.push(...body.Changes);
      if (body.Position === after) break;
      after = body.Position;
    }
    assert.ok(changes.some((c) => c.Name === name && c.EventName === 'ReplicationSucceeded'), JSON.stringify(changes));
    for (const e of [...pushed, ...told, ...written]) assert.ok(!e.CloudTrailEvent.includes(`${MARK}-audited`), 'no value in the trail');
    assert.equal(JSON.parse(told[0].CloudTrailEvent).awsRegion, PEER);
  });

  it("the peer replica's LastAccessedDate reaches the primary's ReplicationStatus: with a push, and probed once a day", async () => {
    const name = uniqueName('peeraccess');
    await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-r1`, AddReplicaRegions: [{ Region: PEER }] }));
    const statusOnPrimary = async () => (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0];
    await eventually('the replication status', async () => (await statusOnPrimary())?.Status === 'InSync');
    assert.equal((await statusOnPrimary())!.LastAccessedDate, undefined, 'never read on the peer');

    await eu.send(new GetSecretValueCommand({ SecretId: name }));
    const readOnPeer = (await eu.send(new DescribeSecretCommand({ SecretId: name }))).LastAccessedDate!;
    assert.ok(readOnPeer instanceof Date);
    // A push answers with it.
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-r2` }));
    await eventually('the date with the push', async () => (await statusOnPrimary())?.LastAccessedDate?.getTime() === readOnPeer.getTime());
    assert.equal((await statusOnPrimary())!.Status, 'InSync');

    // The sweep asks again once the day it last asked is over (moved back here, as a day passing would).
    const entries = () => primary.server.app.store.db.updateTable('secret_replicas').where('region', '=', PEER);
    await entries().set({ peer_last_accessed_at: null, peer_access_checked_at: 0 }).execute();
    assert.equal((await statusOnPrimary())!.LastAccessedDate, undefined);
    const before = await state(name);
    await eventually('the probed date', async () => (await statusOnPrimary())?.LastAccessedDate?.getTime() === readOnPeer.getTime());
    assert.equal((await statusOnPrimary())!.Status, 'InSync');
    assert.deepEqual(await state(name), before, 'a probe writes nothing on the peer');
  });

  it('a PutReplicaSecret Probe answers for an existing replica only and writes nothing', async () => {
    const name = uniqueName('peerprobe');
    const probe = (n: string) => ({ ...push(n, 1, []), Probe: true });
    await assert.rejects(put(probe(name)), { name: 'ResourceNotFoundException' });
    await expectAwsError(eu.send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException');
    const v1 = token();
    await put(push(name, 3, [[v1, `${MARK}-p`, ['AWSCURRENT']]]));
    const written = await state(name);
    const unread = await put(probe(name));
    assert.equal(unread.Applied, false);
    assert.equal((unread as { LastAccessedDate?: number }).LastAccessedDate, undefined);
    await eu.send(new GetSecretValueCommand({ SecretId: name }));
    const read = (await put({ ...probe(name), Change: 99 })) as { Applied: boolean; LastAccessedDate?: number };
    assert.equal(read.Applied, false);
    assert.equal(read.LastAccessedDate! * 1000, (await eu.send(new DescribeSecretCommand({ SecretId: name }))).LastAccessedDate!.getTime());
    assert.deepEqual(await state(name), written, 'a probe with a higher Change and no versions changes nothing');
    // A secret of that name that is not this primary's replica is not answered for.
    const own = uniqueName('peerprobeown');
    await eu.send(new CreateSecretCommand({ Name: own, SecretString: 'peer-own' }));
    await assert.rejects(put(probe(own)), { name: 'ResourceNotFoundException' });
  });

  it('a state bigger than one request reaches the peer in parts, with every version, value and label', async () => {
    const name = uniqueName('peerbig');
    const valueOf = (i: number) => `${MARK}-${i}-`.padEnd(60_000, String.fromCharCode(97 + (i % 26)));
    await us.send(new CreateSecretCommand({ Name: name, SecretString: valueOf(0) }));
    for (let i = 1; i < 20; i++) await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: valueOf(i), ...(i === 10 ? { VersionStages: ['KEEP'] } : {}) }));
    // About 1.2 MB of values: more than the peer takes in one request.
    await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: PEER }] }));
    await eventually('the replication status', async () => (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0].Status !== 'InProgress');
    const status = (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0];
    assert.equal(status?.Status, 'InSync', status?.StatusMessage);
    const list = async (client: SecretsManagerClient) =>
      (await client.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }))).Versions!.map((v) => [v.VersionId, [...(v.VersionStages ?? [])].sort()]).sort();
    const versions = await list(us);
    assert.equal(versions.length, 20);
    assert.deepEqual(await list(eu), versions);
    for (const [id] of versions) {
      const [a, b] = await Promise.all([us, eu].map((c) => c.send(new GetSecretValueCommand({ SecretId: name, VersionId: id as string }))));
      assert.equal(b.SecretString, a.SecretString);
    }
  });

  it('a Partial PutReplicaSecret only adds versions, never labels, and a late one is ignored', async () => {
    const name = uniqueName('peerpart');
    const [v1, v2, v3] = [token(), token(), token()];
    // A new replica from a Partial: the version, no label yet.
    assert.equal((await put({ ...push(name, 5, [[v1, `${MARK}-1`, []]]), Partial: true })).Applied, true);
    assert.deepEqual((await state(name)).versions.map((v) => [v[0], v[1] ?? []]), [[v1, []]]);
    await expectAwsError(eu.send(new GetSecretValueCommand({ SecretId: name })), 'ResourceNotFoundException');
    // The whole state, with the value omitted, brings the labels.
    await put({ ...push(name, 5, [[v1, 'ignored', ['AWSCURRENT']]]), Versions: [{ VersionId: v1, CreatedDate: 1_700_000_000, ValueOmitted: true }] });
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-1`);
    const whole = await state(name);
    // A Partial adds to what is held and moves nothing.
    await put({ ...push(name, 6, [[v2, `${MARK}-2`, []]]), Partial: true });
    const added = await state(name);
    assert.deepEqual(added.versions.map((v) => v[0]).sort(), [v1, v2].sort());
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-1`);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name, VersionId: v2 }))).SecretString, `${MARK}-2`);
    // One of a change the replica holds whole already (late, or repeated) changes nothing.
    assert.equal((await put({ ...push(name, 5, [[v3, `${MARK}-3`, []]]), Partial: true })).Applied, false);
    assert.deepEqual(await state(name), added);
    // Labels or omitted values in a Partial are refused.
    await assert.rejects(put({ ...push(name, 7, [[v3, 'x', ['AWSCURRENT']]]), Partial: true }), { name: 'InvalidParameterException' });
    await assert.rejects(put({ ...push(name, 7, []), Versions: [{ VersionId: v1, CreatedDate: 1_700_000_000, ValueOmitted: true }], Partial: true }), { name: 'InvalidParameterException' });
    assert.deepEqual(await state(name), added);
    assert.notDeepEqual(whole, added);
  });

  it('a peer that refuses makes the region Failed with its message', async () => {
    const name = uniqueName('peerfail');
    await eu.send(new CreateSecretCommand({ Name: name, SecretString: 'peer-own' }));
    await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-f`, AddReplicaRegions: [{ Region: PEER }] }));
    let status: { Status?: string; StatusMessage?: string } | undefined;
    await eventually('the replication status', async () => {
      status = (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus?.[0];
      return status?.Status === 'Failed';
    });
    assert.equal(status!.StatusMessage, NAME_EXISTS);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'peer-own');
  });
});
