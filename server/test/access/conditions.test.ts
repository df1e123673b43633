// Condition keys from the request: tags (ABAC: a team manages the secrets tagged with its name), version
// stages, and the caller's address.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, permitted, startAccessServer, type AccessServer } from './helpers.ts';

/** The team policy of docs/access-control.md: manage the secrets tagged with your team, create only secrets tagged so. */
export const TEAM_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ManageTeamSecrets', Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } },
    { Sid: 'CreateTeamSecrets', Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } } },
    { Sid: 'KeepTheTeamTag', Effect: 'Deny', Action: 'secretsmanager:TagResource', Resource: '*', Condition: { Null: { 'aws:RequestTag/team': 'false' }, StringNotEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } } },
    { Sid: 'KeepTheTeamTagOn', Effect: 'Deny', Action: 'secretsmanager:UntagResource', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } } },
    { Sid: 'List', Effect: 'Allow', Action: ['secretsmanager:ListSecrets', 'secretsmanager:GetRandomPassword'], Resource: '*' },
  ],
};

for (const backend of BACKENDS) describe(`conditions (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let root: SecretsManagerClient;

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    root = t.sm(t.root);
    await root.send(new CreateSecretCommand({ Name: 'blue/db', SecretString: 'blue value', Tags: [{ Key: 'team', Value: 'blue' }] }));
    await root.send(new CreateSecretCommand({ Name: 'red/db', SecretString: 'red value', Tags: [{ Key: 'team', Value: 'red' }] }));
    await root.send(new CreateSecretCommand({ Name: 'untagged', SecretString: 'nobody' }));
  });
  after(() => t.close());

  it('ABAC: a team manages exactly the secrets tagged with its name', async () => {
    const blue = t.sm(await t.user('bob-blue', { team: TEAM_POLICY }, { tags: [{ Key: 'team', Value: 'blue' }] }));
    assert.equal((await blue.send(new GetSecretValueCommand({ SecretId: 'blue/db' }))).SecretString, 'blue value');
    await blue.send(new PutSecretValueCommand({ SecretId: 'blue/db', SecretString: 'new blue value' }));
    await expectAwsError(blue.send(new GetSecretValueCommand({ SecretId: 'red/db' })), 'AccessDeniedException');
    await expectAwsError(blue.send(new DescribeSecretCommand({ SecretId: 'untagged' })), 'AccessDeniedException');
    // Creating: only with the team's tag (aws:RequestTag), which also needs TagResource.
    await blue.send(new CreateSecretCommand({ Name: 'blue/new', SecretString: 'v', Tags: [{ Key: 'team', Value: 'blue' }] }));
    await expectAwsError(blue.send(new CreateSecretCommand({ Name: 'blue/sneaky', SecretString: 'v', Tags: [{ Key: 'team', Value: 'red' }] })), 'AccessDeniedException');
    await expectAwsError(blue.send(new CreateSecretCommand({ Name: 'blue/untagged', SecretString: 'v' })), 'AccessDeniedException');
    // The tag cannot be moved to another team or removed; other tags can be added.
    await expectAwsError(blue.send(new TagResourceCommand({ SecretId: 'blue/db', Tags: [{ Key: 'team', Value: 'red' }] })), 'AccessDeniedException', /explicit deny/);
    await expectAwsError(blue.send(new UntagResourceCommand({ SecretId: 'blue/db', TagKeys: ['team'] })), 'AccessDeniedException', /explicit deny/);
    await blue.send(new TagResourceCommand({ SecretId: 'blue/db', Tags: [{ Key: 'owner', Value: 'bob' }] }));
    // Listing shows the team's secrets only.
    const listed = (await blue.send(new ListSecretsCommand({}))).SecretList!.map((s) => s.Name).sort();
    assert.deepEqual(listed, ['blue/db', 'blue/new']);
    // A user whose tag changes moves with it.
    await t.admin('TagUser', { UserName: 'bob-blue', Tags: [{ Key: 'team', Value: 'red' }] });
    assert.equal((await blue.send(new GetSecretValueCommand({ SecretId: 'red/db' }))).SecretString, 'red value');
    await expectAwsError(blue.send(new GetSecretValueCommand({ SecretId: 'blue/db' })), 'AccessDeniedException');
  });

  it('version-stage conditions: only AWSCURRENT, or anything but AWSPREVIOUS', async () => {
    await root.send(new PutSecretValueCommand({ SecretId: 'untagged', SecretString: 'second' }));
    const currentOnly = t.sm(await t.user('current-only', {
      p: allow('secretsmanager:GetSecretValue', '*', { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }),
    }));
    const get = (sm: SecretsManagerClient, VersionStage?: string) => sm.send(new GetSecretValueCommand({ SecretId: 'untagged', VersionStage }));
    assert.equal((await get(currentOnly, 'AWSCURRENT')).SecretString, 'second');
    assert.equal(await permitted(get(currentOnly, 'AWSPREVIOUS')), false);
    // The key is set only when the request names a stage, as in AWS: use ...IfExists to cover requests without one.
    assert.equal(await permitted(get(currentOnly)), false);
    const notPrevious = t.sm(await t.user('not-previous', {
      p: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
          { Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSPREVIOUS' } } },
        ],
      },
    }));
    assert.equal((await get(notPrevious)).SecretString, 'second');
    await expectAwsError(get(notPrevious, 'AWSPREVIOUS'), 'AccessDeniedException', /explicit deny in an identity-based policy$/);
  });

  it('source-IP conditions see the client address (127.0.0.1 here)', async () => {
    const local = t.sm(await t.user('from-local', { p: allow('secretsmanager:GetSecretValue', '*', { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }) }));
    const office = t.sm(await t.user('from-office', { p: allow('secretsmanager:GetSecretValue', '*', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.0.2.7/32'] } }) }));
    const notLocal = t.sm(await t.user('not-local', {
      p: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' },
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
        ],
      },
    }));
    const get = (sm: SecretsManagerClient) => sm.send(new GetSecretValueCommand({ SecretId: 'red/db' }));
    assert.equal((await get(local)).SecretString, 'red value');
    assert.equal(await permitted(get(office)), false);
    await expectAwsError(get(notLocal), 'AccessDeniedException', /explicit deny/);
  });

  it('SecureTransport is false (plain HTTP) and the time keys are set', async () => {
    const tlsOnly = t.sm(await t.user('tls-only', { p: allow('secretsmanager:GetSecretValue', '*', { Bool: { 'aws:SecureTransport': 'true' } }) }));
    assert.equal(await permitted(tlsOnly.send(new GetSecretValueCommand({ SecretId: 'red/db' }))), false);
    const timed = t.sm(await t.user('timed', {
      p: allow('secretsmanager:GetSecretValue', '*', { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, NumericGreaterThan: { 'aws:EpochTime': '1577836800' } }),
    }));
    assert.equal((await timed.send(new GetSecretValueCommand({ SecretId: 'red/db' }))).SecretString, 'red value');
    const expired = t.sm(await t.user('expired', { p: allow('secretsmanager:GetSecretValue', '*', { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }) }));
    assert.equal(await permitted(expired.send(new GetSecretValueCommand({ SecretId: 'red/db' }))), false);
  });
});
