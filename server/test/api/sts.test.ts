// STS on the API endpoint: GetCallerIdentity in the Query protocol (form-encoded, answered in XML), through the
// JS SDK's STSClient, boto3 and the aws CLI, as the account root and as an IAM user; refused signatures and
// malformed forms answered with the Query protocol's XML errors; GetAccessKeyInfo through the aws CLI and boto3
// (the JSON protocol and GetAccessKeyInfo's other cases: sts-json.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { startAccessServer, type AccessServer, type Credentials } from '../access/helpers.ts';
import { rawRequest, type RawResponse } from './helpers.ts';
import { cleanEnv, cofferProfileEnv, findAwsTools, run } from '../support/aws-tools.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

/** Asserts a Query protocol error: the status, text/xml, and <Code> (and <Message>) in an <ErrorResponse>. */
function assertXmlError(res: RawResponse, code: string, status: number, message?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
  assert.match(res.text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type>/);
  assert.equal(/<Code>([^<]*)<\/Code>/.exec(res.text)?.[1], code, res.text);
  if (message) assert.match(/<Message>([^<]*)<\/Message>/.exec(res.text)?.[1] ?? '', message);
  assert.match(res.text, /<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
}

describe('STS GetCallerIdentity', () => {
  let s: AccessServer;
  let user: Credentials;
  let userId: string;
  const clients: STSClient[] = [];
  const sts = (credentials: Credentials): STSClient => {
    const c = new STSClient({ endpoint: s.server.endpoint, region: s.server.region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const post = (body: string, credentials: Credentials = s.root, service = 'sts'): Promise<RawResponse> =>
    rawRequest(s.server.endpoint, body, { credentials, service, headers: FORM });

  before(async () => {
    s = await startAccessServer();
    // No policy at all: GetCallerIdentity needs no permission.
    user = await s.user('sts-reader');
    userId = String(((await s.admin('GetUser', { UserName: 'sts-reader' })) as { User: { UserId: string } }).User.UserId);
  });
  after(async () => {
    clients.forEach((c) => c.destroy());
    await s?.close();
  });

  test('the root: its account, its ARN, the account as its user id', async () => {
    const out = await sts(s.root).send(new GetCallerIdentityCommand({}));
    assert.deepEqual({ Account: out.Account, Arn: out.Arn, UserId: out.UserId }, { Account: s.accountId, Arn: `arn:aws:iam::${s.accountId}:root`, UserId: s.accountId });
  });

  test('an IAM user without any policy: its ARN and its unique id (AIDA...)', async () => {
    const out = await sts(user).send(new GetCallerIdentityCommand({}));
    assert.match(userId, /^AIDA[A-Z0-9]{17}$/);
    assert.deepEqual({ Account: out.Account, Arn: out.Arn, UserId: out.UserId }, { Account: s.accountId, Arn: `arn:aws:iam::${s.accountId}:user/sts-reader`, UserId: userId });
  });

  test('the raw answer is AWS XML, text/xml, with the request id', async () => {
    const res = await post('Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
    const requestId = res.headers.get('x-amzn-requestid');
    assert.equal(
      res.text,
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
        `<Account>${s.accountId}</Account><Arn>arn:aws:iam::${s.accountId}:root</Arn><UserId>${s.accountId}</UserId>` +
        `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  });

  test('a wrong secret key: 403 SignatureDoesNotMatch, which the SDK reports by name', async () => {
    const err = await sts({ accessKeyId: user.accessKeyId, secretAccessKey: 'wrong' + user.secretAccessKey }).send(new GetCallerIdentityCommand({})).then(
      () => assert.fail('a wrong secret was accepted'),
      (e: { name: string; $metadata?: { httpStatusCode?: number } }) => e,
    );
    assert.equal(err.name, 'SignatureDoesNotMatch');
    assert.equal(err.$metadata?.httpStatusCode, 403);
  });

  test('an unknown access key: 403 InvalidClientTokenId', async () => {
    const res = await post('Action=GetCallerIdentity&Version=2011-06-15', { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' });
    assertXmlError(res, 'InvalidClientTokenId', 403, /security token included in the request is invalid/);
  });

  test('a signature scoped to another service: 403 SignatureDoesNotMatch', async () => {
    const res = await post('Action=GetCallerIdentity&Version=2011-06-15', s.root, 'secretsmanager');
    assertXmlError(res, 'SignatureDoesNotMatch', 403);
  });

  test('no signature at all: 403 MissingAuthenticationToken', async () => {
    const res = await rawRequest(s.server.endpoint, 'Action=GetCallerIdentity&Version=2011-06-15', { sign: false, headers: FORM });
    assertXmlError(res, 'MissingAuthenticationToken', 403);
  });

  test('an unknown action: 400 InvalidAction, the client text not echoed as an operation', async () => {
    const res = await post('Action=GetCallerSecrets&Version=2011-06-15');
    assertXmlError(res, 'InvalidAction', 400, /^Could not find operation GetCallerSecrets for version 2011-06-15$/);
  });

  test('a form without Action or Version, or of another version: 400, XML', async () => {
    assertXmlError(await post('Version=2011-06-15'), 'MissingAction', 400);
    assertXmlError(await post('Action=GetCallerIdentity'), 'MissingParameter', 400, /Version/);
    assertXmlError(await post('Action=GetCallerIdentity&Version=2099-01-01'), 'InvalidAction', 400);
    assertXmlError(await post('%%%&&=='), 'MissingAction', 400);
  });

  test('an STS operation Coffer does not implement: 400 NotImplemented', async () => {
    const err = await sts(s.root).send(new GetSessionTokenCommand({})).then(
      () => assert.fail('GetSessionToken answered'),
      (e: { name: string; $metadata?: { httpStatusCode?: number } }) => e,
    );
    assert.equal(err.name, 'NotImplemented');
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });

  test('the audit trail records GetCallerIdentity under sts.amazonaws.com, without the form\'s stray pairs', async () => {
    const res = await post('Action=GetCallerIdentity&Version=2011-06-15&Stray=not-for-the-trail-71c2', user);
    assert.equal(res.status, 200, res.text);
    const requestId = res.headers.get('x-amzn-requestid');
    const { Events } = (await s.admin('LookupEvents', { EventName: 'GetCallerIdentity' })) as { Events: Array<{ CloudTrailEvent: string }> };
    const event = Events.map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, any>).find((e) => e.requestID === requestId);
    assert.ok(event, `no event for ${requestId}`);
    assert.equal(event.eventSource, 'sts.amazonaws.com');
    assert.equal(event.eventName, 'GetCallerIdentity');
    assert.equal(event.userIdentity.arn, `arn:aws:iam::${s.accountId}:user/sts-reader`);
    assert.equal(event.readOnly, true);
    assert.doesNotMatch(JSON.stringify(Events), /not-for-the-trail-71c2/);
  });

  test('JSON requests are unchanged: a form content type with an X-Amz-Target still goes to the JSON pipeline', async () => {
    const res = await rawRequest(s.server.endpoint, '{}', { credentials: s.root, target: 'secretsmanager.ListSecrets', headers: FORM });
    assert.equal(res.status, 200, res.text);
  });
});

const tools = await findAwsTools({ boto3: true });

describe('STS GetCallerIdentity and GetAccessKeyInfo with the aws CLI and boto3', { skip: 'missing' in tools ? tools.missing : undefined }, () => {
  let s: AccessServer;
  let user: Credentials;
  const { python, aws } = tools as { python: string; aws: string };
  const userEnv = (): NodeJS.ProcessEnv =>
    cleanEnv({ AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent' });

  before(async () => {
    s = await startAccessServer();
    user = await s.user('cli-user');
  });
  after(async () => {
    await s?.close();
  });

  test('aws sts get-caller-identity, as the root and as a user', async () => {
    const root = await run(aws, ['--endpoint-url', s.server.endpoint, '--output', 'json', 'sts', 'get-caller-identity'], cofferProfileEnv(s.server.dataDir));
    assert.equal(root.code, 0, root.stderr);
    assert.deepEqual(JSON.parse(root.stdout), { UserId: s.accountId, Account: s.accountId, Arn: `arn:aws:iam::${s.accountId}:root` });
    const asUser = await run(aws, ['--endpoint-url', s.server.endpoint, '--output', 'json', 'sts', 'get-caller-identity'], userEnv());
    assert.equal(asUser.code, 0, asUser.stderr);
    const out = JSON.parse(asUser.stdout) as Record<string, string>;
    assert.equal(out.Arn, `arn:aws:iam::${s.accountId}:user/cli-user`);
    assert.match(out.UserId, /^AIDA/);
  });

  test('aws sts with a wrong secret: the CLI names SignatureDoesNotMatch', async () => {
    const env = { ...userEnv(), AWS_SECRET_ACCESS_KEY: 'wrong' };
    const res = await run(aws, ['--endpoint-url', s.server.endpoint, 'sts', 'get-caller-identity'], env);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /SignatureDoesNotMatch/);
  });

  test('boto3: get_caller_identity as a user, and an unknown key', async () => {
    const script = [
      'import boto3, botocore, json, sys',
      `c = boto3.client('sts', endpoint_url=${JSON.stringify(s.server.endpoint)}, region_name='us-east-1')`,
      'r = c.get_caller_identity()',
      "bad = boto3.client('sts', endpoint_url=c.meta.endpoint_url, region_name='us-east-1', aws_access_key_id='AKIAUNKNOWNUNKNOWN00', aws_secret_access_key='x')",
      'try:',
      '    bad.get_caller_identity(); code = None',
      'except botocore.exceptions.ClientError as e:',
      "    code = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]",
      "print(json.dumps({'Arn': r['Arn'], 'Account': r['Account'], 'UserId': r['UserId'], 'bad': code}))",
    ].join('\n');
    const res = await run(python, ['-c', script], userEnv());
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.equal(out.Arn, `arn:aws:iam::${s.accountId}:user/cli-user`);
    assert.equal(out.Account, s.accountId);
    assert.match(String(out.UserId), /^AIDA/);
    assert.deepEqual(out.bad, ['InvalidClientTokenId', 403]);
  });

  test('aws sts get-access-key-info: the account; an unknown key: ValidationError', async () => {
    const ok = await run(aws, ['--endpoint-url', s.server.endpoint, '--output', 'json', 'sts', 'get-access-key-info', '--access-key-id', s.root.accessKeyId], userEnv());
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { Account: s.accountId });
    const bad = await run(aws, ['--endpoint-url', s.server.endpoint, 'sts', 'get-access-key-info', '--access-key-id', 'AKIANEVERMADE0000000'], userEnv());
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /\(ValidationError\).*The access key ID AKIANEVERMADE0000000 does not exist\./);
  });

  test('boto3 get_access_key_info: the account; an unknown key: ValidationError 400', async () => {
    const script = [
      'import boto3, botocore, json',
      `c = boto3.client('sts', endpoint_url=${JSON.stringify(s.server.endpoint)}, region_name='us-east-1')`,
      `r = c.get_access_key_info(AccessKeyId=${JSON.stringify(user.accessKeyId)})`,
      'try:',
      "    c.get_access_key_info(AccessKeyId='AKIANEVERMADE0000000'); bad = None",
      'except botocore.exceptions.ClientError as e:',
      "    bad = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]",
      "print(json.dumps({'Account': r['Account'], 'bad': bad}))",
    ].join('\n');
    const res = await run(python, ['-c', script], userEnv());
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { Account: s.accountId, bad: ['ValidationError', 400] });
  });
});
