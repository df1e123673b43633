// The stored JSON of each kind of event, byte for byte as the console, `coffer audit` and existing hash chains
// know it (captured before the event builder was optimised): any change in member order, a member present
// or missing, or the time's format shows here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventJson, toCloudTrailEvent, toServiceEvent } from './cloudtrail-event.ts';
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
