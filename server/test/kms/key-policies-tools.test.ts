// Key policies through AWS's own Python tooling against a real server: boto3's get_key_policy,
// put_key_policy and list_key_policies (and its typed MalformedPolicyDocumentException), and
// `aws kms get-key-policy --policy-name default --output text` / `put-key-policy`. Without python3 + boto3
// + the aws CLI the suite is skipped with the reason, except under CI.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAwsTools, run, serverForAwsTools } from '../support/aws-tools.ts';

const tools = await findAwsTools({ boto3: true });

// Reads the endpoint from the environment; prints one JSON line with what it saw.
const BOTO3_SCRIPT = `
import json, os, boto3
kms = boto3.client('kms', endpoint_url=os.environ['COFFER_ENDPOINT'])
key = kms.create_key(Description='boto3 policy')['KeyMetadata']
before = kms.get_key_policy(KeyId=key['KeyId'], PolicyName='default')
names = kms.list_key_policies(KeyId=key['KeyId'])
policy = json.dumps({'Version': '2012-10-17', 'Id': 'boto3', 'Statement': [{'Sid': 'Root', 'Effect': 'Allow',
  'Principal': {'AWS': 'arn:aws:iam::%s:root' % key['AWSAccountId']}, 'Action': 'kms:*', 'Resource': '*'}]})
kms.put_key_policy(KeyId=key['KeyId'], PolicyName='default', Policy=policy)
after = kms.get_key_policy(KeyId=key['KeyId'])['Policy']
try:
    kms.put_key_policy(KeyId=key['KeyId'], PolicyName='default', Policy='{"Statement": [')
    malformed = None
except kms.exceptions.MalformedPolicyDocumentException as e:
    malformed = e.response['Error']['Code']
print(json.dumps({'before': json.loads(before['Policy']), 'name': before['PolicyName'], 'names': names['PolicyNames'],
  'truncated': names['Truncated'], 'roundTrip': after == policy, 'malformed': malformed, 'account': key['AWSAccountId']}))
`;

describe('key policies with boto3 and the aws CLI', { skip: 'missing' in tools ? tools.missing : undefined }, () => {
  const tested = serverForAwsTools();
  const { python, aws } = tools as { python: string; aws: string };

  it('boto3: get_key_policy shows the default policy, put_key_policy round-trips, a malformed policy is a typed error', async () => {
    const r = await run(python, ['-c', BOTO3_SCRIPT], { ...tested.env, COFFER_ENDPOINT: tested.server.endpoint });
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.deepEqual(seen.before, {
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${seen.account}:root` }, Action: 'kms:*', Resource: '*' }],
    });
    assert.deepEqual([seen.name, seen.names, seen.truncated, seen.roundTrip, seen.malformed], ['default', ['default'], false, true, 'MalformedPolicyDocumentException']);
  });

  it('aws kms get-key-policy --policy-name default --output text prints the policy; put-key-policy replaces it', async () => {
    const { server, env } = tested;
    const kms = (...args: string[]) => run(aws, ['--endpoint-url', server.endpoint, 'kms', ...args], env);
    const created = await kms('create-key', '--description', 'cli policy', '--query', 'KeyMetadata.[KeyId,AWSAccountId]', '--output', 'text');
    assert.equal(created.code, 0, created.stderr);
    const [keyId, account] = created.stdout.trim().split(/\s+/);
    // Text output prints the response's members tab-separated: the policy as stored, then its name.
    const textOf = async () => {
      const got = await kms('get-key-policy', '--key-id', keyId, '--policy-name', 'default', '--output', 'text');
      assert.equal(got.code, 0, got.stderr);
      const match = /^([\s\S]*)\tdefault\n$/.exec(got.stdout);
      assert.ok(match, got.stdout);
      return match[1];
    };
    const shown = await textOf();
    assert.match(shown, /^\{\n {2}"Version" : "2012-10-17",\n {2}"Id" : "key-default-1",/);
    assert.equal(JSON.parse(shown).Statement[0].Principal.AWS, `arn:aws:iam::${account}:root`);

    const file = join(server.dataDir, 'key-policy.json');
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Cli', Effect: 'Allow', Principal: { AWS: account }, Action: 'kms:*', Resource: '*' }] });
    writeFileSync(file, policy);
    const put = await kms('put-key-policy', '--key-id', keyId, '--policy-name', 'default', '--policy', `file://${file}`);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(await textOf(), policy);

    writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'kms:Decrypt', Resource: '*' }] }));
    const locked = await kms('put-key-policy', '--key-id', keyId, '--policy', `file://${file}`);
    assert.notEqual(locked.code, 0);
    assert.match(locked.stderr, /An error occurred \(MalformedPolicyDocumentException\) when calling the PutKeyPolicy operation: The new key policy will not allow you to update the key policy in the future\./);
  });
});
