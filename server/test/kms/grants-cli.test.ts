// KMS grants through AWS's Python tooling against a real server: `aws kms list-grants` and friends (the
// CLI's JSON, as Ansible's amazon.aws.kms_key reads it on every run) and boto3 (list_grants' paginator,
// retire_grant by token, the typed exceptions). Without python3 + boto3 + the aws CLI the suite is skipped
// with the reason, except under CI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cofferProfileEnv, findAwsTools, run } from '../support/aws-tools.ts';

const tools = await findAwsTools({ boto3: true });

// One boto3 scenario: prints "ok" or raises. argv: endpoint, account id.
const BOTO3_SCENARIO = `
import sys, boto3
endpoint, account = sys.argv[1], sys.argv[2]
kms = boto3.client("kms", endpoint_url=endpoint)
key = kms.create_key(Description="boto3 grants")["KeyMetadata"]
empty = kms.list_grants(KeyId=key["KeyId"])
assert empty["Grants"] == [] and empty["Truncated"] is False, empty
made = [kms.create_grant(KeyId=key["Arn"], GranteePrincipal=f"arn:aws:iam::{account}:user/u{i}", RetiringPrincipal=f"arn:aws:iam::{account}:user/boto",
                         Operations=["Decrypt"], Constraints={"EncryptionContextEquals": {"app": "boto"}}) for i in range(5)]
ids = sorted(m["GrantId"] for m in made)
pages = list(kms.get_paginator("list_grants").paginate(KeyId=key["KeyId"], PaginationConfig={"PageSize": 2}))
assert len(pages) == 3, len(pages)
listed = [g["GrantId"] for p in pages for g in p["Grants"]]
assert listed == ids, (listed, ids)
entry = pages[0]["Grants"][0]
assert entry["Constraints"] == {"EncryptionContextEquals": {"app": "boto"}} and entry["Operations"] == ["Decrypt"], entry
retirable = kms.list_retirable_grants(RetiringPrincipal=f"arn:aws:iam::{account}:user/boto")
assert sorted(g["GrantId"] for g in retirable["Grants"]) == ids, retirable
kms.retire_grant(GrantToken=made[0]["GrantToken"])
try:
    kms.revoke_grant(KeyId=key["KeyId"], GrantId="x")
    raise AssertionError("revoke_grant accepted a malformed grant id")
except kms.exceptions.InvalidGrantIdException:
    pass
try:
    kms.retire_grant(GrantToken="garbage")
    raise AssertionError("retire_grant accepted a malformed token")
except kms.exceptions.InvalidGrantTokenException:
    pass
assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 4
print("ok")
`;

describe('KMS grants with the aws CLI and boto3', { skip: 'missing' in tools ? tools.missing : undefined }, () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const { aws, python } = tools as { aws: string; python: string };

  before(async () => {
    server = await startTestServer();
    env = cofferProfileEnv(server.dataDir);
  });
  after(() => server?.close());

  const json = async (...args: string[]) => {
    const r = await run(aws, ['--endpoint-url', server.endpoint, '--output', 'json', 'kms', ...args], env);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
  };

  it('aws kms list-grants, create-grant, list-retirable-grants, revoke-grant', async () => {
    const { KeyMetadata } = (await json('create-key', '--description', 'cli grants')) as { KeyMetadata: { KeyId: string; Arn: string } };
    // The CLI pages through list-grants itself and leaves Truncated and NextMarker out of what it prints.
    assert.deepEqual(await json('list-grants', '--key-id', KeyMetadata.KeyId), { Grants: [] });
    const grantee = `arn:aws:iam::${server.app.accountId}:user/cli`;
    const made = (await json(
      'create-grant', '--key-id', KeyMetadata.KeyId, '--grantee-principal', grantee, '--retiring-principal', grantee,
      '--operations', 'Encrypt', 'Decrypt', '--constraints', 'EncryptionContextSubset={team=cli}', '--name', 'cli-grant',
    )) as { GrantId: string; GrantToken: string };
    assert.match(made.GrantId, /^[0-9a-f]{64}$/);
    const listed = (await json('list-grants', '--key-id', KeyMetadata.Arn)) as { Grants: Array<Record<string, unknown>> };
    assert.equal(listed.Grants.length, 1);
    const { CreationDate, ...entry } = listed.Grants[0];
    assert.ok(CreationDate);
    assert.deepEqual(entry, {
      KeyId: KeyMetadata.Arn,
      GrantId: made.GrantId,
      Name: 'cli-grant',
      GranteePrincipal: grantee,
      RetiringPrincipal: grantee,
      IssuingAccount: `arn:aws:iam::${server.app.accountId}:root`,
      Operations: ['Decrypt', 'Encrypt'],
      Constraints: { EncryptionContextSubset: { team: 'cli' } },
    });
    const retirable = (await json('list-retirable-grants', '--retiring-principal', grantee)) as { Grants: Array<{ GrantId: string }> };
    assert.deepEqual(retirable.Grants.map((g) => g.GrantId), [made.GrantId]);
    assert.deepEqual(await json('revoke-grant', '--key-id', KeyMetadata.KeyId, '--grant-id', made.GrantId), {});
    assert.deepEqual(await json('list-grants', '--key-id', KeyMetadata.KeyId), { Grants: [] });
    const refused = await run(aws, ['--endpoint-url', server.endpoint, 'kms', 'create-grant', '--key-id', KeyMetadata.KeyId, '--grantee-principal', grantee, '--operations', 'Sign'], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /An error occurred \(ValidationException\) when calling the CreateGrant operation: Grant operations Sign are not valid/);
  });

  it('boto3: list_grants paginator, list_retirable_grants, retire_grant by token, typed exceptions', async () => {
    const r = await run(python, ['-c', BOTO3_SCENARIO, server.endpoint, server.app.accountId], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
  });
});
