import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventMemo, eventJson, toCloudTrailEvent } from './cloudtrail-event.ts';
import type { AuditRecord } from '../protocol/pipeline.ts';

const caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:user/ana', accessKeyId: 'AKIAEXAMPLE', region: 'us-east-1' };

function event(request: Record<string, unknown>) {
  return toCloudTrailEvent({ requestId: 'r-1', service: 'kms', operation: 'Decrypt', caller, request } as unknown as AuditRecord, 'e-1', Date.UTC(2026, 10, 27));
}

test('bytes anywhere in the parameters are stored as base64, not as a list of numbers', () => {
  const blob = Buffer.from([1, 2, 3, 250]);
  const stored = JSON.parse(eventJson(event({ CiphertextBlob: blob, Nested: [{ Blob: new Uint8Array([9, 9]) }] })));
  assert.equal(stored.requestParameters.CiphertextBlob, blob.toString('base64'));
  assert.equal(stored.requestParameters.Nested[0].Blob, Buffer.from([9, 9]).toString('base64'));
});

test('an event without bytes is stored member for member', () => {
  const e = event({ KeyId: 'alias/app', GrantTokens: ['a', 'b'] });
  const stored = JSON.parse(eventJson(e));
  assert.deepEqual(stored, JSON.parse(JSON.stringify(e)));
  assert.equal(stored.eventTime, '2026-11-27T00:00:00Z');
  assert.equal(stored.userIdentity.userName, 'ana');
});

test('a trail memo never hands one caller another caller\'s identity, nor one second another second\'s time', () => {
  const memo = createEventMemo();
  const call = (who: typeof caller, time: number) =>
    toCloudTrailEvent({ requestId: 'r', service: 'secretsmanager', operation: 'GetSecretValue', caller: who } as unknown as AuditRecord, 'e', time, memo);
  const second = Date.UTC(2026, 10, 27, 10, 0, 0);
  const first = call(caller, second + 1);
  assert.equal(call(caller, second + 999).userIdentity, first.userIdentity, 'the same caller shares one identity object');
  assert.equal(call({ ...caller, accessKeyId: 'AKIAOTHER' }, second).userIdentity.accessKeyId, 'AKIAOTHER');
  assert.equal(call({ ...caller, accountId: '444455556666' }, second).userIdentity.accountId, '444455556666');
  assert.equal(call({ ...caller, arn: 'arn:aws:iam::111122223333:root' }, second).userIdentity.type, 'Root');
  assert.equal(call(caller, second + 999).eventTime, '2026-11-27T10:00:00Z');
  assert.equal(call(caller, second + 1000).eventTime, '2026-11-27T10:00:01Z');
  assert.equal(call(caller, second - 1).eventTime, '2026-11-27T09:59:59Z');
  assert.ok(!('errorCode' in call(caller, second)), 'a call without an error has no errorCode member');
});
