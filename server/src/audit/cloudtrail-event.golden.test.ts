// The CloudTrail JSON of each kind of event, byte for byte as the console, `coffer audit` and existing hash
// chains know it (captured before the event builder was optimised, and stored so before compact records):
// any change in member order, a member present or missing, or the time's format shows here. Compact records
// (stored-event.ts) must rebuild the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventMemo, eventJson, toCloudTrailEvent, toServiceEvent } from './cloudtrail-event.ts';
import { readStored, storedCall, storedServiceEvent, type StoredEvent } from './stored-event.ts';
import type { AuditRecord } from '../protocol/pipeline.ts';

const t = Date.UTC(2026, 10, 27, 13, 45, 6, 789);
const root = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAROOT', region: 'us-east-1' };
const user = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:user/team/ana', accessKeyId: 'AKIAANA', region: 'eu-west-1' };
const cases: Array<[string, AuditRecord]> = [
  ['read by root', { requestId: 'r-1', service: 'secretsmanager', operation: 'GetSecretValue', caller: root, sourceIp: '10.0.0.1', userAgent: 'ua/1 "quoted" é', request: { SecretId: 'app/db' }, response: () => ({ SecretString: '***' }) }],
  ['write by a user', { requestId: 'r-2', service: 'secretsmanager', operation: 'PutSecretValue', caller: user, sourceIp: '10.0.0.2', userAgent: 'cli', request: { SecretId: 'app/db', SecretString: '***' }, response: () => ({ ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-AbCdEf', VersionId: 'v1' }) }],
  ['failed write', { requestId: 'r-3', service: 'kms', operation: 'CreateKey', caller: user, request: { Description: 'x\ny' }, error: { code: 'AccessDeniedException', message: 'User: arn is not "authorized"' } }],
  ['unauthenticated', { requestId: 'r-4', service: 'secretsmanager', operation: 'ListSecrets', error: { code: 'UnrecognizedClientException', message: 'bad' } }],
  ['undecodable', { requestId: 'r-5', service: 'coffer', operation: 'CreateUser', caller: root, error: { code: 'SerializationException', message: 'bad json' } }],
  ['bytes', { requestId: 'r-6', service: 'kms', operation: 'Encrypt', caller: root, request: { KeyId: 'k', Plaintext: '***', Ctx: { a: new Uint8Array([1, 2]) } }, response: () => ({ CiphertextBlob: Buffer.from([1, 2, 3]) }) }],
  ['write with bytes in response', { requestId: 'r-7', service: 'kms', operation: 'CreateGrant', caller: user, request: { KeyId: 'k' }, response: () => ({ Blob: Buffer.from([250, 1]), List: [Buffer.from([7])] }) }],
  ['read error', { requestId: 'r-8', service: 'secretsmanager', operation: 'DescribeSecret', caller: root, request: { SecretId: 'nope' }, error: { code: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." } }],
];
const expected: Record<string, string> = {
  "read by root":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAROOT\"},\"eventTime\":\"2026-11-27T13:45:18Z\",\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventName\":\"GetSecretValue\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"10.0.0.1\",\"userAgent\":\"ua/1 \\\"quoted\\\" é\",\"requestParameters\":{\"SecretId\":\"app/db\"},\"responseElements\":null,\"requestID\":\"r-1\",\"eventID\":\"e-12\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "write by a user":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"arn:aws:iam::111122223333:user/team/ana\",\"arn\":\"arn:aws:iam::111122223333:user/team/ana\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAANA\",\"userName\":\"ana\"},\"eventTime\":\"2026-11-27T13:45:21Z\",\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventName\":\"PutSecretValue\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"10.0.0.2\",\"userAgent\":\"cli\",\"requestParameters\":{\"SecretId\":\"app/db\",\"SecretString\":\"***\"},\"responseElements\":{\"ARN\":\"arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-AbCdEf\",\"VersionId\":\"v1\"},\"requestID\":\"r-2\",\"eventID\":\"e-15\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "failed write":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"arn:aws:iam::111122223333:user/team/ana\",\"arn\":\"arn:aws:iam::111122223333:user/team/ana\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAANA\",\"userName\":\"ana\"},\"eventTime\":\"2026-11-27T13:45:18Z\",\"eventSource\":\"kms.amazonaws.com\",\"eventName\":\"CreateKey\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"\",\"userAgent\":\"\",\"errorCode\":\"AccessDeniedException\",\"errorMessage\":\"User: arn is not \\\"authorized\\\"\",\"requestParameters\":{\"Description\":\"x\\ny\"},\"responseElements\":null,\"requestID\":\"r-3\",\"eventID\":\"e-12\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "unauthenticated":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Unknown\"},\"eventTime\":\"2026-11-27T13:45:21Z\",\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventName\":\"ListSecrets\",\"awsRegion\":\"\",\"sourceIPAddress\":\"\",\"userAgent\":\"\",\"errorCode\":\"UnrecognizedClientException\",\"errorMessage\":\"bad\",\"requestParameters\":null,\"responseElements\":null,\"requestID\":\"r-4\",\"eventID\":\"e-15\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"\"}",
  "undecodable":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAROOT\"},\"eventTime\":\"2026-11-27T13:45:17Z\",\"eventSource\":\"coffer.amazonaws.com\",\"eventName\":\"CreateUser\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"\",\"userAgent\":\"\",\"errorCode\":\"SerializationException\",\"errorMessage\":\"bad json\",\"requestParameters\":null,\"responseElements\":null,\"requestID\":\"r-5\",\"eventID\":\"e-11\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "bytes":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAROOT\"},\"eventTime\":\"2026-11-27T13:45:11Z\",\"eventSource\":\"kms.amazonaws.com\",\"eventName\":\"Encrypt\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"\",\"userAgent\":\"\",\"requestParameters\":{\"KeyId\":\"k\",\"Plaintext\":\"***\",\"Ctx\":{\"a\":\"AQI=\"}},\"responseElements\":null,\"requestID\":\"r-6\",\"eventID\":\"e-5\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "write with bytes in response":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"arn:aws:iam::111122223333:user/team/ana\",\"arn\":\"arn:aws:iam::111122223333:user/team/ana\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAANA\",\"userName\":\"ana\"},\"eventTime\":\"2026-11-27T13:45:34Z\",\"eventSource\":\"kms.amazonaws.com\",\"eventName\":\"CreateGrant\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"\",\"userAgent\":\"\",\"requestParameters\":{\"KeyId\":\"k\"},\"responseElements\":{\"Blob\":\"+gE=\",\"List\":[\"Bw==\"]},\"requestID\":\"r-7\",\"eventID\":\"e-28\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "read error":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAROOT\"},\"eventTime\":\"2026-11-27T13:45:16Z\",\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventName\":\"DescribeSecret\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"\",\"userAgent\":\"\",\"errorCode\":\"ResourceNotFoundException\",\"errorMessage\":\"Secrets Manager can't find the specified secret.\",\"requestParameters\":{\"SecretId\":\"nope\"},\"responseElements\":null,\"requestID\":\"r-8\",\"eventID\":\"e-10\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "service event":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"accountId\":\"111122223333\",\"invokedBy\":\"secretsmanager.amazonaws.com\"},\"eventTime\":\"2026-11-27T13:45:06Z\",\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventName\":\"RotationSucceeded\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"secretsmanager.amazonaws.com\",\"userAgent\":\"secretsmanager.amazonaws.com\",\"requestParameters\":null,\"responseElements\":null,\"additionalEventData\":{\"step\":\"finishSecret\",\"n\":1},\"requestID\":\"se-1\",\"eventID\":\"se-1\",\"readOnly\":false,\"eventType\":\"AwsServiceEvent\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
  "year 1969":
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"principalId\":\"111122223333\",\"arn\":\"arn:aws:iam::111122223333:root\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIAROOT\"},\"eventTime\":\"1969-12-31T23:59:58Z\",\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventName\":\"GetSecretValue\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"10.0.0.1\",\"userAgent\":\"ua/1 \\\"quoted\\\" é\",\"requestParameters\":{\"SecretId\":\"app/db\"},\"responseElements\":null,\"requestID\":\"r-1\",\"eventID\":\"e-old\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\"}",
};

test('each kind of API call is stored as the same bytes as before', () => {
  for (const [name, entry] of cases) assert.equal(eventJson(toCloudTrailEvent(entry, 'e-' + name.length, t + name.length * 1000)), expected[name], name);
});

test('a service event, and a time before 1970, are stored as the same bytes as before', () => {
  const details = { step: 'finishSecret', n: 1 };
  assert.equal(eventJson(toServiceEvent({ service: 'secretsmanager', accountId: '111122223333', region: 'us-east-1', eventName: 'RotationSucceeded', resourceArn: 'arn:x', details }, 'se-1', t)), expected['service event']);
  assert.equal(eventJson(toCloudTrailEvent(cases[0][1], 'e-old', -1500)), expected['year 1969']);
});

/** The row the trail stores for a call (resource_arn plays no part in the CloudTrail JSON). */
function storedRow(entry: AuditRecord, eventId: string, time: number): StoredEvent {
  const { record } = storedCall(entry, createEventMemo());
  return { event_id: eventId, event_time: time, account_id: entry.caller?.accountId ?? '', event_name: entry.operation, principal_arn: entry.caller?.arn ?? null, resource_arn: null, record };
}

test('each kind of call, stored as a compact record, reads back as the same CloudTrail JSON', () => {
  for (const [name, entry] of cases) assert.equal(readStored(storedRow(entry, 'e-' + name.length, t + name.length * 1000)).json, expected[name], name);
  assert.equal(readStored(storedRow(cases[0][1], 'e-old', -1500)).json, expected['year 1969']);
  const details = { step: 'finishSecret', n: 1 };
  const record = storedServiceEvent({ service: 'secretsmanager', accountId: '111122223333', region: 'us-east-1', eventName: 'RotationSucceeded', details });
  const row = { event_id: 'se-1', event_time: t, account_id: '111122223333', event_name: 'RotationSucceeded', principal_arn: null, resource_arn: 'arn:x', record };
  assert.equal(readStored(row).json, expected['service event']);
});

test('compact records are stored as these bytes', () => {
  assert.equal(storedRow(cases[0][1], 'e', t).record, '{"v":2,"s":"secretsmanager","k":"AKIAROOT","r":"us-east-1","ip":"10.0.0.1","ua":"ua/1 \\"quoted\\" é","rq":{"SecretId":"app/db"},"rid":"r-1","ro":true}');
  assert.equal(storedRow(cases[2][1], 'e', t).record, '{"v":2,"s":"kms","k":"AKIAANA","r":"eu-west-1","ec":"AccessDeniedException","em":"User: arn is not \\"authorized\\"","rq":{"Description":"x\\ny"},"rid":"r-3","ro":false}');
  assert.equal(storedRow(cases[3][1], 'e', t).record, '{"v":2,"s":"secretsmanager","ec":"UnrecognizedClientException","em":"bad","rid":"r-4","ro":true}');
  assert.equal(storedRow(cases[6][1], 'e', t).record, '{"v":2,"s":"kms","k":"AKIAANA","r":"eu-west-1","rq":{"KeyId":"k"},"rs":{"Blob":"+gE=","List":["Bw=="]},"rid":"r-7","ro":false}');
  const record = storedServiceEvent({ service: 'secretsmanager', accountId: '111122223333', region: 'us-east-1', eventName: 'RotationSucceeded', details: { step: 'finishSecret' } });
  assert.equal(record, '{"v":2,"t":"service","s":"secretsmanager","r":"us-east-1","d":{"step":"finishSecret"}}');
});

test('the copy of a cross-account call reads back with the owner as recipient and the caller\'s identity', () => {
  const row = { ...storedRow(cases[1][1], 'e-copy', t), account_id: '444455556666' };
  const { event } = readStored(row);
  assert.equal(event.recipientAccountId, '444455556666');
  assert.equal(event.eventID, 'e-copy');
  assert.deepEqual(event.userIdentity, { type: 'IAMUser', principalId: 'arn:aws:iam::111122223333:user/team/ana', arn: 'arn:aws:iam::111122223333:user/team/ana', accountId: '111122223333', accessKeyId: 'AKIAANA', userName: 'ana' });
});

test('a caller whose account is not the one its ARN names keeps its own account', () => {
  const entry: AuditRecord = { ...cases[0][1], caller: { ...root, accountId: '999988887777' } };
  const row = storedRow(entry, 'e', t);
  assert.match(row.record, /"a":"999988887777"/);
  assert.equal(readStored(row).event.userIdentity.accountId, '999988887777');
  assert.doesNotMatch(storedRow(cases[0][1], 'e', t).record, /"a":/);
});

test('an older record (the whole CloudTrail JSON) reads back as stored', () => {
  const row = { event_id: 'e-12', event_time: t, account_id: '111122223333', event_name: 'GetSecretValue', principal_arn: null, resource_arn: null, record: expected['read by root'] };
  const { event, json } = readStored(row);
  assert.equal(json, expected['read by root']);
  assert.equal(event.userIdentity.accessKeyId, 'AKIAROOT');
});
