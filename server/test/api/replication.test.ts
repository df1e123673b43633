// Replication inside one deployment, on SQLite and PostgreSQL, through the JS SDK: replicas in other regions
// of the same account, kept equal to their primary by every write, read-only, removable and promotable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  StopReplicationToReplicaCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { allow, BACKENDS, startAccessServer, type AccessServer } from '../access/helpers.ts';
import { expectAwsError, listAll, replicaView, SECRET_NOT_FOUND, secretState, token, uniqueName } from './helpers.ts';

const REPLICA_WRITE = "Operation not permitted on a replica secret. Call must be made in primary secret's region.";
const PRIMARY = 'us-east-1';
const EU = 'eu-west-1';
const AP = 'ap-south-1';
const MARK = 'ReplMark-5k2Q9vT7';

for (const backend of BACKENDS) describe(`replication in one deployment (${backend.name})`, { skip: backend.skip }, () => {
  let s: AccessServer;
  let us: SecretsManagerClient;
  let eu: SecretsManagerClient;
  let ap: SecretsManagerClient;
  let apKms: KMSClient;

  before(async () => {
    s = await startAccessServer({ backend: backend.name });
    us = s.server.client({ region: PRIMARY });
    eu = s.server.client({ region: EU });
    ap = s.server.client({ region: AP });
    apKms = s.server.kmsClient({ region: AP });
  });
  after(() => s?.close());

  async function primaryWithReplica(regions: Array<{ Region: string; KmsKeyId?: string }> = [{ Region: EU }]) {
    const name = uniqueName('repl');
    const created = await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-v1`, Description: 'first', Tags: [{ Key: 'team', Value: 'red' }] }));
    const out = await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: regions }));
    return { name, arn: created.ARN!, versionId: created.VersionId!, out };
  }

  it('replicates a secret: same name and suffix, InSync, the value readable in the replica region under its own key', async () => {
    const apKey = (await apKms.send(new CreateKeyCommand({ Description: 'replica key' }))).KeyMetadata!;
    const { name, arn, versionId, out } = await primaryWithReplica([{ Region: EU }, { Region: AP, KmsKeyId: apKey.KeyId }]);
    assert.equal(out.ARN, arn);
    assert.deepEqual(out.ReplicationStatus, [
      { Region: EU, KmsKeyId: 'alias/aws/secretsmanager', Status: 'InSync', StatusMessage: 'Replication succeeded' },
      { Region: AP, KmsKeyId: apKey.KeyId, Status: 'InSync', StatusMessage: 'Replication succeeded' },
    ]);
    const replicaArn = arn.replace(`:${PRIMARY}:`, `:${EU}:`);
    const read = await eu.send(new GetSecretValueCommand({ SecretId: replicaArn }));
    assert.equal(read.ARN, replicaArn);
    assert.equal(read.Name, name);
    assert.equal(read.SecretString, `${MARK}-v1`);
    assert.equal(read.VersionId, versionId);
    assert.deepEqual(read.VersionStages, ['AWSCURRENT']);
    assert.equal((await ap.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-v1`);

    const replica = await eu.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(replica.PrimaryRegion, PRIMARY);
    assert.equal(replica.ReplicationStatus, undefined);
    assert.equal(replica.Description, 'first');
    assert.deepEqual(replica.Tags, [{ Key: 'team', Value: 'red' }]);
    const apReplica = await ap.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(apReplica.KmsKeyId, apKey.KeyId);
    const apVersions = await ap.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.deepEqual(apVersions.Versions![0].KmsKeyIds, [apKey.Arn]);

    // The replica's read is the primary's ReplicationStatus LastAccessedDate for that region.
    const primary = await us.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(primary.PrimaryRegion, PRIMARY);
    const byRegion = new Map(primary.ReplicationStatus!.map((r) => [r.Region, r]));
    assert.ok(byRegion.get(EU)!.LastAccessedDate instanceof Date);
    assert.ok(byRegion.get(AP)!.LastAccessedDate instanceof Date);
    assert.equal(primary.LastAccessedDate, undefined, 'the primary itself was never read');
  });

  it('carries every change of the primary to the replica: value, labels, description, tags, policy', async () => {
    const { name } = await primaryWithReplica();
    const v2 = token();
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-v2`, ClientRequestToken: v2 }));
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretBinary: Buffer.from(`${MARK}-bin`), VersionStages: ['custom'] }));
    await us.send(new UpdateSecretCommand({ SecretId: name, Description: 'second', SecretString: `${MARK}-v3` }));
    await us.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'pinned', MoveToVersionId: v2 }));
    await us.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'env', Value: 'prod' }] }));
    await us.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['team'] }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:DeleteSecret', Resource: '*' }] });
    await us.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }));
    const replica = await replicaView(eu, name);
    assert.deepEqual(replica, await replicaView(us, name));
    assert.equal(replica.description, 'second');
    assert.deepEqual(replica.tags, [{ Key: 'env', Value: 'prod' }]);
    assert.equal(replica.policy, policy);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-v3`);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'pinned' }))).SecretString, `${MARK}-v2`);
    assert.deepEqual(Buffer.from((await eu.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'custom' }))).SecretBinary!), Buffer.from(`${MARK}-bin`));
    await us.send(new DeleteResourcePolicyCommand({ SecretId: name }));
    assert.equal((await eu.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy, undefined);
  });

  it('refuses writes to a replica with AWS error, and changes nothing', async () => {
    const { name, arn } = await primaryWithReplica();
    const replicaArn = arn.replace(`:${PRIMARY}:`, `:${EU}:`);
    const current = (await eu.send(new GetSecretValueCommand({ SecretId: name }))).VersionId;
    const before = await secretState(eu, name);
    const writes = [
      new PutSecretValueCommand({ SecretId: name, SecretString: 'nope' }),
      new UpdateSecretCommand({ SecretId: replicaArn, Description: 'nope' }),
      new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'x', MoveToVersionId: current }),
      new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'k', Value: 'v' }] }),
      new UntagResourceCommand({ SecretId: name, TagKeys: ['team'] }),
      new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] }) }),
      new DeleteResourcePolicyCommand({ SecretId: name }),
      new DeleteSecretCommand({ SecretId: name }),
      new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
      new RestoreSecretCommand({ SecretId: name }),
      new RotateSecretCommand({ SecretId: name }),
      new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: AP }] }),
      new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [PRIMARY] }),
    ];
    for (const command of writes) await expectAwsError(eu.send(command as never), 'InvalidParameterException', REPLICA_WRITE);
    assert.deepEqual(await secretState(eu, name), before);
  });

  it("changes a replica's KMS key in its region, the one write AWS allows there; later versions follow it", async () => {
    const { name, versionId } = await primaryWithReplica([{ Region: AP }]);
    const apKey = (await apKms.send(new CreateKeyCommand({ Description: 'new replica key' }))).KeyMetadata!;
    await expectAwsError(ap.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: apKey.KeyId, Description: 'nope' })), 'InvalidParameterException', REPLICA_WRITE);
    await ap.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: apKey.KeyId }));
    const keysOf = async () => (await ap.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions!.map((v) => [v.VersionId, v.KmsKeyIds![0]]);
    assert.deepEqual(await keysOf(), [[versionId, apKey.Arn]], 'the labelled version is sealed again under the new key');
    const status = (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus!;
    assert.deepEqual(status.map((r) => [r.Region, r.KmsKeyId, r.Status]), [[AP, apKey.KeyId, 'InSync']]);
    const next = await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-v2` }));
    assert.deepEqual((await keysOf()).find(([id]) => id === next.VersionId), [next.VersionId, apKey.Arn], 'a later version is sealed under it too');
    assert.equal((await ap.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-v2`);
    // the primary's own key is its own
    assert.deepEqual((await us.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions!.map((v) => v.KmsKeyIds![0]), ['DefaultEncryptionKey', 'DefaultEncryptionKey']);
  });

  it('refuses to delete a primary that still has replicas, naming the regions', async () => {
    const { name, arn } = await primaryWithReplica([{ Region: EU }, { Region: AP }]);
    for (const force of [false, true]) {
      await expectAwsError(
        us.send(new DeleteSecretCommand({ SecretId: name, ...(force ? { ForceDeleteWithoutRecovery: true } : {}) })),
        'InvalidParameterException',
        `You can't delete secret ${arn} that still has replica regions [${EU}, ${AP}].`,
      );
    }
    assert.equal((await us.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate, undefined);
  });

  it('fails a region where the name is taken, and overwrites it with ForceOverwriteReplicaSecret', async () => {
    const name = uniqueName('taken');
    await eu.send(new CreateSecretCommand({ Name: name, SecretString: 'local eu secret' }));
    await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-primary` }));
    const failed = await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }, { Region: AP }] }));
    assert.deepEqual(failed.ReplicationStatus!.map((r) => [r.Region, r.Status, r.StatusMessage]), [
      [EU, 'Failed', 'Secret with this name already exists in this region'],
      [AP, 'InSync', 'Replication succeeded'],
    ]);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'local eu secret');
    assert.equal((await eu.send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, undefined);
    // A region already in sync is refused; a failed one is tried again.
    await expectAwsError(us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: AP }] })), 'InvalidParameterException', `The secret is already replicated to Region ${AP}.`);
    const again = await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }] }));
    assert.equal(again.ReplicationStatus!.find((r) => r.Region === EU)!.Status, 'Failed');
    const forced = await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: EU }], ForceOverwriteReplicaSecret: true }));
    assert.deepEqual(forced.ReplicationStatus!.map((r) => [r.Region, r.Status]), [[EU, 'InSync'], [AP, 'InSync']]);
    const read = await eu.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(read.SecretString, `${MARK}-primary`);
    assert.equal((await eu.send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, PRIMARY);
    assert.equal((await eu.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }))).Versions!.length, 1);
  });

  it('fails a region whose named key cannot be used, and reports KMS reason', async () => {
    const apKey = (await apKms.send(new CreateKeyCommand({ Description: 'disabled replica key' }))).KeyMetadata!;
    await apKms.send(new DisableKeyCommand({ KeyId: apKey.KeyId }));
    const name = uniqueName('badkey');
    await us.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const out = await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: AP, KmsKeyId: apKey.KeyId }, { Region: EU, KmsKeyId: 'alias/none-here' }] }));
    assert.deepEqual(out.ReplicationStatus!.map((r) => r.Status), ['Failed', 'Failed']);
    assert.match(out.ReplicationStatus![0].StatusMessage!, /is disabled/);
    assert.match(out.ReplicationStatus![1].StatusMessage!, /alias\/none-here/);
    await expectAwsError(ap.send(new DescribeSecretCommand({ SecretId: name })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    // A replica whose key is disabled later is marked Failed by the next write; the primary's write stands.
    await apKms.send(new EnableKeyCommand({ KeyId: apKey.KeyId }));
    await us.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [AP, EU] }));
    await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: AP, KmsKeyId: apKey.KeyId }] }));
    await apKms.send(new DisableKeyCommand({ KeyId: apKey.KeyId }));
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }));
    assert.equal((await us.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v2');
    const status = (await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus!;
    assert.equal(status[0].Status, 'Failed');
    assert.match(status[0].StatusMessage!, /is disabled/);
    assert.equal((await ap.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions!.length, 1, 'the replica stays as it was');
    // Tried again once the key is back: the region's replica is written afresh and in sync.
    await apKms.send(new EnableKeyCommand({ KeyId: apKey.KeyId }));
    const retried = await us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: AP, KmsKeyId: apKey.KeyId }] }));
    assert.deepEqual(retried.ReplicationStatus!.map((r) => [r.Region, r.Status]), [[AP, 'InSync']]);
    assert.equal((await ap.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v2');
    assert.deepEqual(await replicaView(ap, name), await replicaView(us, name));
  });

  it('removes replicas with RemoveRegionsFromReplication; the last one gone, the primary is standalone again', async () => {
    const { name } = await primaryWithReplica([{ Region: EU }, { Region: AP }]);
    await expectAwsError(us.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: ['sa-east-1'] })), 'InvalidParameterException', 'The secret is not replicated to Region sa-east-1.');
    const out = await us.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [EU] }));
    assert.deepEqual(out.ReplicationStatus!.map((r) => r.Region), [AP]);
    await expectAwsError(eu.send(new GetSecretValueCommand({ SecretId: name })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    const last = await us.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [AP] }));
    assert.deepEqual(last.ReplicationStatus, []);
    const d = await us.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.PrimaryRegion, undefined);
    assert.equal(d.ReplicationStatus, undefined);
    await us.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  });

  it('promotes a replica with StopReplicationToReplica in its region', async () => {
    const { name, arn } = await primaryWithReplica([{ Region: EU }, { Region: AP }]);
    const replicaArn = arn.replace(`:${PRIMARY}:`, `:${EU}:`);
    await expectAwsError(us.send(new StopReplicationToReplicaCommand({ SecretId: name })), 'InvalidRequestException', /is not a replica/);
    await expectAwsError(us.send(new StopReplicationToReplicaCommand({ SecretId: replicaArn })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    assert.deepEqual(await eu.send(new StopReplicationToReplicaCommand({ SecretId: replicaArn })).then((r) => r.ARN), replicaArn);
    const promoted = await eu.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(promoted.PrimaryRegion, undefined);
    assert.deepEqual((await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus!.map((r) => r.Region), [AP]);
    // Standalone now: writable, and the old primary's changes no longer reach it.
    await eu.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'eu own' }));
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'us new' }));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'eu own');
    assert.equal((await ap.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'us new');
    await eu.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
  });

  it('CreateSecret with AddReplicaRegions creates the replicas with the secret', async () => {
    const name = uniqueName('created');
    const out = await us.send(new CreateSecretCommand({ Name: name, SecretString: `${MARK}-c`, AddReplicaRegions: [{ Region: EU }] }));
    assert.deepEqual(out.ReplicationStatus, [{ Region: EU, KmsKeyId: 'alias/aws/secretsmanager', Status: 'InSync', StatusMessage: 'Replication succeeded' }]);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `${MARK}-c`);
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).VersionId, out.VersionId);
    const taken = uniqueName('created-taken');
    await eu.send(new CreateSecretCommand({ Name: taken, SecretString: 'eu' }));
    const conflict = await us.send(new CreateSecretCommand({ Name: taken, SecretString: 'us', AddReplicaRegions: [{ Region: EU }] }));
    assert.equal(conflict.ReplicationStatus![0].Status, 'Failed');
    const forced = await us.send(new CreateSecretCommand({ Name: uniqueName('nothing'), AddReplicaRegions: [{ Region: EU }], ForceOverwriteReplicaSecret: true }));
    assert.equal(forced.ReplicationStatus![0].Status, 'InSync');
  });

  it('checks the regions of a request', async () => {
    const name = uniqueName('regions');
    await us.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const send = (regions: Array<{ Region?: string }>) => us.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: regions }));
    await expectAwsError(send([{ Region: PRIMARY }]), 'InvalidParameterException', `Invalid replica region ${PRIMARY}: it is the primary secret's own Region.`);
    await expectAwsError(send([{ Region: EU }, { Region: EU }]), 'InvalidParameterException', `Duplicate replica region ${EU}: name each Region once.`);
    await expectAwsError(send([{ Region: 'Not_A_Region' }]), 'ValidationException');
    await expectAwsError(us.send(new CreateSecretCommand({ Name: uniqueName('bad'), AddReplicaRegions: [{ Region: PRIMARY }] })), 'InvalidParameterException');
    await expectAwsError(us.send(new ReplicateSecretToRegionsCommand({ SecretId: 'no-such-secret', AddReplicaRegions: [{ Region: EU }] })), 'ResourceNotFoundException', SECRET_NOT_FOUND);
    assert.equal((await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus, undefined);
    await us.send(new DeleteSecretCommand({ SecretId: name }));
    await expectAwsError(send([{ Region: EU }]), 'InvalidRequestException', /marked for deletion/);
  });

  it('lists replicas by primary region (the primary-region filter)', async () => {
    const { name, arn } = await primaryWithReplica();
    const local = uniqueName('eu-local');
    await eu.send(new CreateSecretCommand({ Name: local, SecretString: 'v' }));
    const fromUs = await listAll(eu, { Filters: [{ Key: 'primary-region', Values: [PRIMARY] }] });
    assert.ok(fromUs.some((e) => e.ARN === arn.replace(`:${PRIMARY}:`, `:${EU}:`) && e.PrimaryRegion === PRIMARY));
    assert.ok(!fromUs.some((e) => e.Name === local));
    const notFromUs = await listAll(eu, { Filters: [{ Key: 'primary-region', Values: [`!${PRIMARY}`] }] });
    assert.ok(notFromUs.some((e) => e.Name === local));
    assert.ok(!notFromUs.some((e) => e.Name === name));
    const primaries = await listAll(us, { Filters: [{ Key: 'primary-region', Values: [PRIMARY] }] });
    assert.ok(primaries.some((e) => e.ARN === arn && e.PrimaryRegion === PRIMARY));
  });

  it('authorizes replication as AWS does: the action on the primary, KMS on the replica key', async () => {
    const name = uniqueName('authz');
    await us.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const apKey = (await apKms.send(new CreateKeyCommand({ Description: 'authz replica key' }))).KeyMetadata!;
    const noReplicate = await s.user(uniqueName('u'), { p: { Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' },
      { Effect: 'Deny', Action: 'secretsmanager:ReplicateSecretToRegions', Resource: '*' },
    ] } });
    const smOnly = await s.user(uniqueName('u'), { p: allow('secretsmanager:*') });
    const withKms = await s.user(uniqueName('u'), { p: allow(['secretsmanager:*', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt']) });
    const add = (credentials: typeof smOnly, regions: Array<{ Region: string; KmsKeyId?: string }>) =>
      s.server.client({ region: PRIMARY, credentials }).send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: regions }));
    await expectAwsError(add(noReplicate, [{ Region: EU }]), 'AccessDeniedException');
    await expectAwsError(
      s.server.client({ region: PRIMARY, credentials: noReplicate }).send(new CreateSecretCommand({ Name: uniqueName('x'), AddReplicaRegions: [{ Region: EU }] })),
      'AccessDeniedException',
    );
    await expectAwsError(add(smOnly, [{ Region: AP, KmsKeyId: apKey.Arn }]), 'AccessDeniedException', /kms:GenerateDataKey/);
    assert.equal((await us.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus, undefined);
    const ok = await add(withKms, [{ Region: AP, KmsKeyId: apKey.Arn }]);
    assert.equal(ok.ReplicationStatus![0].Status, 'InSync');
    const removeDenied = await s.user(uniqueName('u'), { p: allow(['secretsmanager:DescribeSecret']) });
    await expectAwsError(
      s.server.client({ region: PRIMARY, credentials: removeDenied }).send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: [AP] })),
      'AccessDeniedException',
    );
    await expectAwsError(
      s.server.client({ region: AP, credentials: removeDenied }).send(new StopReplicationToReplicaCommand({ SecretId: name })),
      'AccessDeniedException',
    );
  });

  it('records the calls, and every replica written or failed, in the audit trail', async () => {
    const { name, arn } = await primaryWithReplica();
    const replicaArn = arn.replace(`:${PRIMARY}:`, `:${EU}:`);
    await us.send(new PutSecretValueCommand({ SecretId: name, SecretString: `${MARK}-audited` }));
    const taken = uniqueName('audit-taken');
    await ap.send(new CreateSecretCommand({ Name: taken, SecretString: 'ap' }));
    await us.send(new CreateSecretCommand({ Name: taken, SecretString: 'us', AddReplicaRegions: [{ Region: AP }] }));
    type Event = { EventName: string; ResourceArn?: string; CloudTrailEvent: string };
    const lookup = async (input: Record<string, unknown>) => ((await s.admin('LookupEvents', { ...input, MaxResults: 50 })) as { Events: Event[] }).Events;
    let written: Event[] = [];
    for (let i = 0; i < 50 && written.length < 2; i++) {
      written = (await lookup({ ResourceArn: replicaArn })).filter((e) => e.EventName === 'ReplicationSucceeded');
      if (written.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(written.length, 2, 'the replica added, then the new value carried to it');
    const event = JSON.parse(written[0].CloudTrailEvent);
    assert.equal(event.eventType, 'AwsServiceEvent');
    assert.equal(event.awsRegion, EU);
    assert.deepEqual(event.additionalEventData, { PrimarySecretId: arn, Region: EU });
    assert.ok(!written[0].CloudTrailEvent.includes(MARK), 'no value in the trail');
    const failed = (await lookup({ EventName: 'ReplicationFailed' })).map((e) => JSON.parse(e.CloudTrailEvent));
    assert.ok(failed.some((e) => e.additionalEventData.StatusMessage === 'Secret with this name already exists in this region' && e.awsRegion === AP));
    assert.ok((await lookup({ EventName: 'ReplicateSecretToRegions' })).length > 0);
  });

  if (backend.name === 'sqlite') {
    it('stores no replica value in clear text', async () => {
      const hay = filesOf(s.server.dataDir).map((f) => readFileSync(f));
      for (const needle of [`${MARK}-v1`, `${MARK}-v2`, `${MARK}-bin`, `${MARK}-primary`]) {
        const forms = [Buffer.from(needle), Buffer.from(needle, 'utf16le'), Buffer.from(Buffer.from(needle).toString('base64'))];
        assert.ok(!hay.some((h) => forms.some((f) => h.includes(f))), `${needle} found on disk`);
      }
      // The scan does find clear text: names are stored as written.
      assert.ok(hay.some((h) => h.includes(Buffer.from('repl-'))));
    });
  }
});

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesOf(join(dir, f)) : [join(dir, f)]));
}
