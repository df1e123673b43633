// ListSecrets and BatchGetSecretValue show a caller only what it may see: each secret is checked on its
// own (its ARN, tags and resource policy), and BatchGetSecretValue reports the secrets it may not read in
// Errors, as AWS does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchGetSecretValueCommand, CreateSecretCommand, ListSecretsCommand, PutResourcePolicyCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAwsError, startAccessServer, type AccessServer } from './helpers.ts';

for (const backend of BACKENDS) describe(`listing and batch reads (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let root: SecretsManagerClient;
  let arn: (name: string) => string;
  const names = ['list/a1', 'list/a2', 'list/b1', 'list/b2', 'list/c1'];
  const arns = new Map<string, string>();

  before(async () => {
    t = await startAccessServer({ backend: backend.name });
    root = t.sm(t.root);
    arn = (name) => `arn:aws:secretsmanager:us-east-1:${t.accountId}:secret:${name}`;
    for (const name of names) arns.set(name, (await root.send(new CreateSecretCommand({ Name: name, SecretString: `value ${name}` }))).ARN!);
  });
  after(() => t.close());

  const listNames = async (sm: SecretsManagerClient, MaxResults?: number) => {
    const out: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ MaxResults, NextToken, SortBy: 'name' }));
      out.push(...page.SecretList!.map((s) => s.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  };

  it('ListSecrets shows the secrets the caller may list and describe, across pages', async () => {
    assert.deepEqual(await listNames(root), names);
    const aOnly = t.sm(await t.user('a-only', { p: allow(['secretsmanager:ListSecrets', 'secretsmanager:DescribeSecret'], arn('list/a*')) }));
    assert.deepEqual(await listNames(aOnly), ['list/a1', 'list/a2']);
    assert.deepEqual(await listNames(aOnly, 1), ['list/a1', 'list/a2'], 'pages of one still find every visible secret');
    // Resource "*" on ListSecrets, DescribeSecret on some: those.
    const mixed = t.sm(await t.user('mixed', { l: allow('secretsmanager:ListSecrets'), d: allow('secretsmanager:DescribeSecret', [arn('list/b*'), arn('list/c1-??????')]) }));
    assert.deepEqual(await listNames(mixed), ['list/b1', 'list/b2', 'list/c1']);
    // A resource policy can add one.
    await root.send(new PutResourcePolicyCommand({
      SecretId: 'list/a1',
      ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:user/mixed` }, Action: 'secretsmanager:DescribeSecret', Resource: '*' }] }),
    }));
    assert.deepEqual(await listNames(mixed), ['list/a1', 'list/b1', 'list/b2', 'list/c1']);
  });

  it('ListSecrets is AccessDenied for a caller whose policies never allow it', async () => {
    const none = t.sm(await t.user('no-list', { p: allow('secretsmanager:GetSecretValue') }));
    await expectAwsError(none.send(new ListSecretsCommand({})), 'AccessDeniedException', /secretsmanager:ListSecrets on resource: \* because no identity-based policy allows/);
    const denied = t.sm(await t.user('denied-list', {
      p: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }, { Effect: 'Deny', Action: 'secretsmanager:ListSecrets', Resource: '*' }] },
    }));
    await expectAwsError(denied.send(new ListSecretsCommand({})), 'AccessDeniedException', /explicit deny/);
  });

  it('BatchGetSecretValue returns what the caller may read and reports the rest in Errors', async () => {
    const reader = t.sm(await t.user('batch', {
      p: allow('secretsmanager:BatchGetSecretValue'),
      g: allow('secretsmanager:GetSecretValue', arn('list/a*')),
      l: allow(['secretsmanager:ListSecrets', 'secretsmanager:DescribeSecret'], [arn('list/a*'), arn('list/b1-*')]),
    }));
    const byList = await reader.send(new BatchGetSecretValueCommand({ SecretIdList: ['list/a1', 'list/b1', 'list/nope'] }));
    assert.deepEqual(byList.SecretValues!.map((v) => v.SecretString), ['value list/a1']);
    assert.deepEqual(byList.Errors!.map((e) => [e.SecretId, e.ErrorCode]), [['list/b1', 'AccessDeniedException'], ['list/nope', 'AccessDeniedException']]);
    // With filters: the secrets it may list, values where it may read them.
    const byFilter = await reader.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['list/'] }] }));
    assert.deepEqual(byFilter.SecretValues!.map((v) => v.Name).sort(), ['list/a1', 'list/a2']);
    assert.deepEqual(byFilter.Errors!.map((e) => e.SecretId), [arns.get('list/b1')]);
    const notBatch = t.sm(await t.user('not-batch', { g: allow('secretsmanager:GetSecretValue') }));
    await expectAwsError(notBatch.send(new BatchGetSecretValueCommand({ SecretIdList: ['list/a1'] })), 'AccessDeniedException', /secretsmanager:BatchGetSecretValue/);
  });
});
