// STS in the AWS JSON 1.0 protocol (X-Amz-Target AWSSecurityTokenServiceV20110615.<Action>, awsQueryCompatible:
// errors name their Query code in x-amzn-query-error), and GetAccessKeyInfo in both protocols: raw signed
// requests, the JS SDK told to speak JSON and the JS SDK in Query, on both stores (boto3 and the aws CLI: sts.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsJson1_0Protocol } from '@aws-sdk/core/protocols';
import { GetAccessKeyInfoCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { BACKENDS, startAccessServer, type AccessServer, type Credentials } from '../access/helpers.ts';
import { rawRequest, type RawResponse } from './helpers.ts';

const TARGET = 'AWSSecurityTokenServiceV20110615';
const JSON_1_0 = { 'content-type': 'application/x-amz-json-1.0' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const OTHER_ACCOUNT = '222233334444';

type SdkError = { name: string; message: string; $metadata?: { httpStatusCode?: number } };
const failure = (call: Promise<unknown>): Promise<SdkError> =>
  call.then(
    () => assert.fail('the call succeeded'),
    (e: SdkError) => e,
  );

/** A JSON 1.0 error: status, content type, __type, and the Query code in x-amzn-query-error. */
function assertJsonError(res: RawResponse, type: string, queryCode: string, status: number, message?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.0');
  assert.equal(res.json?.__type, type, res.text);
  assert.equal(res.headers.get('x-amzn-query-error'), `${queryCode};Sender`);
  if (message) assert.match(String(res.json?.Message), message);
}

for (const backend of BACKENDS) describe(`STS in JSON 1.0, and GetAccessKeyInfo (${backend.name})`, { skip: backend.skip }, () => {
  let s: AccessServer;
  let user: Credentials;
  let otherRoot: Credentials;
  let deletedKeyId: string;
  const clients: STSClient[] = [];
  const client = (credentials: Credentials, protocol: 'json' | 'query'): STSClient => {
    const c = new STSClient({
      endpoint: s.server.endpoint,
      region: s.server.region,
      credentials,
      maxAttempts: 1,
      // The SDK's STS speaks Query by default; its protocol settings already carry the JSON target prefix.
      ...(protocol === 'json'
        ? { protocol: AwsJson1_0Protocol, protocolSettings: { defaultNamespace: 'com.amazonaws.sts', serviceTarget: TARGET, awsQueryCompatible: true } }
        : {}),
    });
    clients.push(c);
    return c;
  };
  const json = (operation: string, body: unknown, credentials: Credentials = s.root, service = 'sts'): Promise<RawResponse> =>
    rawRequest(s.server.endpoint, JSON.stringify(body), { credentials, service, target: `${TARGET}.${operation}`, headers: JSON_1_0 });
  const form = (body: string, credentials: Credentials = s.root): Promise<RawResponse> =>
    rawRequest(s.server.endpoint, body, { credentials, service: 'sts', headers: FORM });

  before(async () => {
    s = await startAccessServer({ backend: backend.name });
    user = await s.user('json-caller');
    const account = (await s.admin('CreateAccount', { AccountId: OTHER_ACCOUNT })) as { AccessKey: Record<string, string> };
    otherRoot = { accessKeyId: account.AccessKey.AccessKeyId, secretAccessKey: account.AccessKey.SecretAccessKey };
    const { AccessKey } = (await s.admin('CreateAccessKey', { UserName: 'json-caller' })) as { AccessKey: Record<string, string> };
    deletedKeyId = AccessKey.AccessKeyId;
    await s.admin('DeleteAccessKey', { UserName: 'json-caller', AccessKeyId: deletedKeyId });
  });
  after(async () => {
    clients.forEach((c) => c.destroy());
    await s?.close();
  });

  test('raw JSON GetCallerIdentity: 200, application/x-amz-json-1.0, the caller', async () => {
    const res = await json('GetCallerIdentity', {}, user);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.equal(res.json?.Account, s.accountId);
    assert.equal(res.json?.Arn, `arn:aws:iam::${s.accountId}:user/json-caller`);
    assert.match(String(res.json?.UserId), /^AIDA[A-Z0-9]{17}$/);
  });

  test('the JS SDK told to speak JSON: GetCallerIdentity and GetAccessKeyInfo', async () => {
    const sts = client(user, 'json');
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::${s.accountId}:user/json-caller`);
    const info = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: otherRoot.accessKeyId }));
    assert.equal(info.Account, OTHER_ACCOUNT);
  });

  test('JSON errors carry the Query code: the SDK in JSON names them as in Query', async () => {
    const bad = await failure(client({ ...user, secretAccessKey: 'wrong' + user.secretAccessKey }, 'json').send(new GetCallerIdentityCommand({})));
    assert.equal(bad.name, 'SignatureDoesNotMatch');
    assert.equal(bad.$metadata?.httpStatusCode, 403);
    const unknown = await failure(client({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }, 'json').send(new GetCallerIdentityCommand({})));
    assert.equal(unknown.name, 'InvalidClientTokenId');
    const notImplemented = await failure(client(s.root, 'json').send(new GetSessionTokenCommand({})));
    assert.equal(notImplemented.name, 'NotImplemented');
    assert.equal(notImplemented.$metadata?.httpStatusCode, 400);
  });

  test('raw JSON errors: a signature for another service, an unknown operation, a bad body', async () => {
    assertJsonError(await json('GetCallerIdentity', {}, s.root, 'secretsmanager'), 'InvalidSignatureException', 'SignatureDoesNotMatch', 403);
    assertJsonError(await json('GetCallerSecrets', {}), 'UnknownOperationException', 'InvalidAction', 400);
    const notJson = await rawRequest(s.server.endpoint, '{not json', { credentials: s.root, service: 'sts', target: `${TARGET}.GetAccessKeyInfo`, headers: JSON_1_0 });
    assertJsonError(notJson, 'SerializationException', 'MalformedInput', 400);
    assertJsonError(await json('GetAccessKeyInfo', { AccessKeyId: 42 }), 'SerializationException', 'MalformedInput', 400);
  });

  test('GetAccessKeyInfo: the owning account, for any caller, Active or Inactive key', async () => {
    const asUser = client(user, 'query');
    assert.equal((await asUser.send(new GetAccessKeyInfoCommand({ AccessKeyId: user.accessKeyId }))).Account, s.accountId);
    // Another account's key, asked by a user with no policy at all: AWS answers any caller.
    assert.equal((await asUser.send(new GetAccessKeyInfoCommand({ AccessKeyId: otherRoot.accessKeyId }))).Account, OTHER_ACCOUNT);
    assert.equal((await client(otherRoot, 'query').send(new GetAccessKeyInfoCommand({ AccessKeyId: s.root.accessKeyId }))).Account, s.accountId);
    await s.admin('UpdateAccessKey', { UserName: 'json-caller', AccessKeyId: user.accessKeyId, Status: 'Inactive' });
    try {
      assert.equal((await client(s.root, 'query').send(new GetAccessKeyInfoCommand({ AccessKeyId: user.accessKeyId }))).Account, s.accountId);
    } finally {
      await s.admin('UpdateAccessKey', { UserName: 'json-caller', AccessKeyId: user.accessKeyId, Status: 'Active' });
    }
  });

  test('GetAccessKeyInfo in raw Query: AWS XML', async () => {
    const res = await form(`Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=${otherRoot.accessKeyId}`, user);
    assert.equal(res.status, 200, res.text);
    const requestId = res.headers.get('x-amzn-requestid');
    assert.equal(
      res.text,
      `<GetAccessKeyInfoResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetAccessKeyInfoResult><Account>${OTHER_ACCOUNT}</Account>` +
        `</GetAccessKeyInfoResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetAccessKeyInfoResponse>`,
    );
  });

  test('GetAccessKeyInfo with a key no account holds (deleted, or never made): ValidationError in both protocols', async () => {
    const message = `The access key ID ${deletedKeyId} does not exist.`;
    const query = await failure(client(s.root, 'query').send(new GetAccessKeyInfoCommand({ AccessKeyId: deletedKeyId })));
    assert.deepEqual([query.name, query.message, query.$metadata?.httpStatusCode], ['ValidationError', message, 400]);
    const viaJson = await failure(client(s.root, 'json').send(new GetAccessKeyInfoCommand({ AccessKeyId: deletedKeyId })));
    assert.deepEqual([viaJson.name, viaJson.message, viaJson.$metadata?.httpStatusCode], ['ValidationError', message, 400]);
    assertJsonError(await json('GetAccessKeyInfo', { AccessKeyId: 'AKIANEVERMADE0000000' }), 'ValidationException', 'ValidationError', 400, /^The access key ID AKIANEVERMADE0000000 does not exist\.$/);
  });

  test('GetAccessKeyInfo validates AccessKeyId by the model, in both protocols', async () => {
    const tooShort = "1 validation error detected: Value 'AKIA' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16";
    const res = await form('Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIA');
    assert.equal(res.status, 400, res.text);
    assert.equal(/<Code>([^<]*)<\/Code>/.exec(res.text)?.[1], 'ValidationError');
    assert.equal(/<Message>([^<]*)<\/Message>/.exec(res.text)?.[1], tooShort.replaceAll("'", '&apos;'));
    assertJsonError(await json('GetAccessKeyInfo', { AccessKeyId: 'AKIA' }), 'ValidationException', 'ValidationError', 400, new RegExp(`^${tooShort}$`));
    const missing = await form('Action=GetAccessKeyInfo&Version=2011-06-15');
    assert.equal(/<Code>([^<]*)<\/Code>/.exec(missing.text)?.[1], 'ValidationError');
    assert.match(missing.text, /Value null at &apos;accessKeyId&apos;/);
    assertJsonError(await json('GetAccessKeyInfo', { AccessKeyId: 'AKIA-NOT-A-WORD-KEY' }), 'ValidationException', 'ValidationError', 400, /regular expression pattern/);
  });

  test('the audit trail records both protocols under sts.amazonaws.com, with the key id asked about', async () => {
    const viaJson = await json('GetAccessKeyInfo', { AccessKeyId: otherRoot.accessKeyId, Stray: 'not-for-the-trail-5e1a' }, user);
    const viaQuery = await form(`Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=${otherRoot.accessKeyId}&Stray=not-for-the-trail-5e1a`, user);
    const { Events } = (await s.admin('LookupEvents', { EventName: 'GetAccessKeyInfo' })) as { Events: Array<{ CloudTrailEvent: string }> };
    const events = Events.map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, any>);
    for (const res of [viaJson, viaQuery]) {
      assert.equal(res.status, 200, res.text);
      const event = events.find((e) => e.requestID === res.headers.get('x-amzn-requestid'));
      assert.ok(event, 'no event');
      assert.equal(event.eventSource, 'sts.amazonaws.com');
      assert.equal(event.userIdentity.arn, `arn:aws:iam::${s.accountId}:user/json-caller`);
      assert.deepEqual(event.requestParameters, { AccessKeyId: otherRoot.accessKeyId });
      assert.equal(event.readOnly, true);
    }
    assert.doesNotMatch(JSON.stringify(Events), /not-for-the-trail-5e1a/);
  });
});
