// The audit trail: one CloudTrail-shaped event per API call, allowed or denied, in order, hash-chained so
// that an edited or deleted event is found; and no secret value, password or access-key secret ever in it
// or in the server's log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EncryptCommand, GenerateDataKeyCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { allow, BACKENDS, expectAdminError, expectAwsError, startAccessServer, type AccessServer } from './helpers.ts';
import { readStored } from '../../src/audit/stored-event.ts';
import { allEvents, type AuditRow } from '../../src/audit/audit-store.ts';
import { segmentEvents } from '../../src/audit/segment.ts';
import type { Db } from '../../src/store/db.ts';

/** Every stored event, read from the tables themselves (no flush first). */
async function storedEvents(db: Db): Promise<AuditRow[]> {
  const events: AuditRow[] = [];
  for await (const event of allEvents(db)) events.push(event);
  return events;
}

/** The first stored batch holding an event of this name, the event, and where its fields start in the batch's text. */
async function storedBatchOf(db: Db, eventName: string) {
  for (const segment of await db.selectFrom('audit_segments').selectAll().orderBy('first_seq').execute()) {
    const event = segmentEvents(segment).find((e) => e.event_name === eventName);
    if (!event) continue;
    const fields = [event.event_id, event.account_id, event.event_name, event.principal_arn ?? '', event.resource_arn ?? '', event.record].join('');
    const text = segment.texts.toString('utf8');
    return { segment, text, event, start: text.indexOf(fields), fields };
  }
  throw new Error(`no stored ${eventName} event`);
}

interface Event {
  EventId: string;
  EventName: string;
  EventSource: string;
  PrincipalArn?: string;
  ResourceArn?: string;
  ErrorCode?: string;
  ReadOnly: string;
  CloudTrailEvent: string;
}

for (const backend of BACKENDS) describe(`audit trail (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  const log: string[] = [];
  const secrets: string[] = [];
  const calls: Array<{ name: string; requestId?: string }> = [];

  before(async () => {
    t = await startAccessServer({ backend: backend.name, logger: { error: (msg, fields) => log.push(JSON.stringify({ msg, ...fields })) } });
  });
  after(() => t.close());

  const events = async (input: Record<string, unknown> = {}) => {
    const out: Event[] = [];
    let NextToken: string | undefined;
    do {
      const page = (await t.admin('LookupEvents', { ...input, NextToken, MaxResults: 7 })) as { Events: Event[]; NextToken?: string };
      out.push(...page.Events);
      NextToken = page.NextToken;
    } while (NextToken);
    return out.filter((e) => e.EventName !== 'LookupEvents');
  };

  it('records every call, allowed or denied, in order, with CloudTrail\'s fields and nothing secret', async () => {
    const sm = t.sm(t.root);
    const kms = t.kms(t.root);
    const track = async <T extends { $metadata: { requestId?: string } }>(name: string, call: Promise<T>): Promise<T> => {
      const result = await call;
      calls.push({ name, requestId: result.$metadata.requestId });
      return result;
    };
    secrets.push('first-VALUE-8c1f', 'second-VALUE-93ad', 'kms-PLAINTEXT-55e0');
    const created = await track('CreateSecret', sm.send(new CreateSecretCommand({ Name: 'audited', SecretString: secrets[0], Description: 'visible' })));
    await track('GetSecretValue', sm.send(new GetSecretValueCommand({ SecretId: 'audited' })));
    await track('PutSecretValue', sm.send(new PutSecretValueCommand({ SecretId: 'audited', SecretString: secrets[1] })));
    secrets.push((await track('GetRandomPassword', sm.send(new GetRandomPasswordCommand({ PasswordLength: 40 })))).RandomPassword!);
    const keyId = (await track('CreateKey', kms.send(new CreateKeyCommand({})))).KeyMetadata!.KeyId!;
    await track('Encrypt', kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(secrets[2]) })));
    secrets.push(Buffer.from((await track('GenerateDataKey', kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })))).Plaintext!).toString('base64'));
    const user = await t.user('audited-user', { p: allow('secretsmanager:DescribeSecret') });
    calls.push({ name: 'CreateUser' }, { name: 'PutUserPolicy' }, { name: 'CreateAccessKey' });
    secrets.push(user.secretAccessKey);
    await expectAwsError(t.sm(user).send(new GetSecretValueCommand({ SecretId: 'audited' })), 'AccessDeniedException');
    calls.push({ name: 'GetSecretValue' });
    await expectAwsError(sm.send(new CreateSecretCommand({ Name: 'bad name!*', SecretString: secrets[0] })), 'ValidationException');
    calls.push({ name: 'CreateSecret' });

    const newestFirst = await events();
    assert.deepEqual(newestFirst.map((e) => e.EventName), calls.map((c) => c.name).reverse(), 'N calls, N events, newest first (as CloudTrail)');
    const all = [...newestFirst].reverse();
    const records = all.map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, any>);
    for (const [i, c] of calls.entries()) if (c.requestId) assert.equal(records[i].requestID, c.requestId);
    const create = records[0];
    assert.equal(create.eventSource, 'secretsmanager.amazonaws.com');
    assert.equal(create.awsRegion, 'us-east-1');
    assert.equal(create.sourceIPAddress, '127.0.0.1');
    assert.match(create.userAgent, /aws-sdk-js/);
    assert.deepEqual([create.userIdentity.type, create.userIdentity.arn, create.userIdentity.accessKeyId], ['Root', `arn:aws:iam::${t.accountId}:root`, t.root.accessKeyId]);
    assert.equal(create.requestParameters.SecretString, '***');
    assert.equal(create.requestParameters.Description, 'visible');
    assert.equal(create.responseElements.ARN, created.ARN);
    assert.deepEqual([create.readOnly, create.eventType, create.recipientAccountId], [false, 'AwsApiCall', t.accountId]);
    assert.equal(records[1].readOnly, true);
    assert.equal(records[1].responseElements, null, 'read-only calls record no response, as CloudTrail');
    assert.equal(records[5].eventSource, 'kms.amazonaws.com');
    assert.equal(records[5].requestParameters.Plaintext, '***');
    const denied = records[10];
    assert.deepEqual([denied.errorCode, denied.userIdentity.type, denied.userIdentity.userName], ['AccessDeniedException', 'IAMUser', 'audited-user']);
    assert.match(denied.errorMessage, /is not authorized to perform: secretsmanager:GetSecretValue/);
    assert.equal(records[11].errorCode, 'ValidationException');
    // One form of resource: the ARN the answer named, however the call named the secret or key (a name, a key id).
    const keyArn = records[4].responseElements.KeyMetadata.Arn;
    assert.deepEqual(all.slice(0, 7).map((e) => e.ResourceArn), [created.ARN, created.ARN, created.ARN, undefined, keyArn, keyArn, keyArn]);

    await t.server.app.audit.flush();
    // The stored text itself, every field of every event as written.
    const stored = (await t.server.app.store.db.selectFrom('audit_segments').select('texts').execute()).map((r) => r.texts.toString('utf8')).join('\n');
    assert.ok(stored.includes('GetSecretValue') && stored.includes('CreateSecret'), 'the events were read from the store');
    for (const secret of secrets) {
      assert.ok(!stored.includes(secret), `a secret reached the audit trail: ${secret.slice(0, 4)}…`);
      assert.ok(!log.join('\n').includes(secret), 'a secret reached the server log');
    }
  });

  it('filters by event name, principal, resource and time, and pages', async () => {
    assert.deepEqual((await events({ EventName: 'PutSecretValue' })).map((e) => e.EventName), ['PutSecretValue']);
    const byUser = await events({ PrincipalArn: `arn:aws:iam::${t.accountId}:user/audited-user` });
    assert.deepEqual(byUser.map((e) => [e.EventName, e.ErrorCode]), [['GetSecretValue', 'AccessDeniedException']]);
    const arn = JSON.parse((await events({ EventName: 'CreateSecret' })).at(-1)!.CloudTrailEvent).responseElements.ARN; // the first, oldest
    // The read by name is found by the ARN too; the denied read (no answer) is filed under the name it asked for.
    assert.deepEqual((await events({ ResourceArn: arn })).map((e) => e.EventName), ['PutSecretValue', 'GetSecretValue', 'CreateSecret']);
    assert.deepEqual(await events({ StartTime: Date.now() / 1000 + 3600 }), []);
    // A user reads the trail only when its policy allows cloudtrail:LookupEvents.
    await expectAdminError(t.admin('LookupEvents', {}, await t.user('no-trail', {})), 'AccessDeniedException', /cloudtrail:LookupEvents/);
    const reader = await t.user('trail-reader', { p: allow('cloudtrail:LookupEvents') });
    assert.ok(((await t.admin('LookupEvents', { EventName: 'CreateUser' }, reader)) as { Events: unknown[] }).Events.length >= 3);
    await expectAdminError(t.admin('VerifyAuditTrail', {}, reader), 'AccessDeniedException', /only the operator/);
  });

  it('stores a change\'s event before answering it; reads are written in the background', async () => {
    const stored = async (eventName: string) =>
      (await storedEvents(t.server.app.store.db)).filter((r) => r.event_name === eventName).map((r) => readStored(r).event);
    const sm = t.sm(t.root);
    const created = await sm.send(new CreateSecretCommand({ Name: 'audited-at-once', SecretString: 'durable-VALUE-11aa' }));
    // Read straight from the table, without the flush that lookups do first: the event is already there.
    const events = await stored('CreateSecret');
    assert.ok(events.some((e) => e.requestID === created.$metadata.requestId), 'the CreateSecret event was stored before the answer');
    const read = await sm.send(new GetSecretValueCommand({ SecretId: 'audited-at-once' }));
    await t.server.app.audit.flush();
    assert.ok((await stored('GetSecretValue')).some((e) => e.requestID === read.$metadata.requestId), 'the read is stored once flushed');
  });

  it('VerifyAuditTrail finds an edited or a deleted event and names it', async () => {
    const ok = (await t.admin('VerifyAuditTrail')) as Record<string, unknown>;
    assert.equal(ok.Valid, true);
    assert.ok(Number(ok.EventsChecked) > 15);
    assert.match(String(ok.HeadHash), /^[0-9a-f]{64}$/);
    const db = t.server.app.store.db;
    await t.server.app.audit.flush();
    const { segment, text, event: victim, start, fields } = await storedBatchOf(db, 'PutSecretValue');
    assert.ok(start >= 0, "the event's fields are found in its batch's text");
    const setTexts = (texts: string) => db.updateTable('audit_segments').set({ texts: Buffer.from(texts) }).where('first_seq', '=', segment.first_seq).execute();
    /** The batch's text with this event's fields rewritten. */
    const editedText = (edit: (fields: string) => string) => text.slice(0, start) + edit(fields) + text.slice(start + fields.length);
    const record = fields.length - victim.record.length;
    await setTexts(editedText((f) => f.slice(0, record) + f.slice(record).replace('"ro":false', '"ro":true')));
    const afterEdit = (await t.admin('VerifyAuditTrail')) as Record<string, unknown>;
    assert.deepEqual([afterEdit.Valid, afterEdit.FirstBadEventId, afterEdit.FirstBadSequence], [false, victim.event_id, victim.seq]);
    assert.match(String(afterEdit.Problem), /edited/);
    await setTexts(text);
    assert.equal(((await t.admin('VerifyAuditTrail')) as Record<string, unknown>).Valid, true);
    // The columns the event is rebuilt from are covered by its hash too: a principal of the same length, so
    // the batch's layout still fits its text.
    const principal = victim.principal_arn!;
    const otherPrincipal = principal.slice(0, -1) + (principal.endsWith('x') ? 'y' : 'x');
    await setTexts(editedText((f) => f.replace(principal, otherPrincipal)));
    const afterColumn = (await t.admin('VerifyAuditTrail')) as Record<string, unknown>;
    assert.deepEqual([afterColumn.Valid, afterColumn.FirstBadEventId], [false, victim.event_id]);
    await setTexts(text);
    // A batch's time range (lookups by time skip batches by it) is checked against its events.
    await db.updateTable('audit_segments').set({ max_time: segment.max_time - 1 }).where('first_seq', '=', segment.first_seq).execute();
    const afterRange = (await t.admin('VerifyAuditTrail')) as Record<string, unknown>;
    assert.deepEqual([afterRange.Valid, afterRange.FirstBadSequence], [false, segment.first_seq]);
    assert.match(String(afterRange.Problem), /time range/);
    await db.updateTable('audit_segments').set({ max_time: segment.max_time }).where('first_seq', '=', segment.first_seq).execute();
    await db.deleteFrom('audit_segments').where('first_seq', '=', segment.first_seq).execute();
    const next = await db.selectFrom('audit_segments').selectAll().where('first_seq', '>', segment.first_seq).orderBy('first_seq').limit(1).executeTakeFirstOrThrow();
    const afterDelete = (await t.admin('VerifyAuditTrail')) as Record<string, unknown>;
    assert.deepEqual([afterDelete.Valid, afterDelete.FirstBadEventId], [false, segmentEvents(next)[0].event_id]);
    assert.match(String(afterDelete.Problem), /deleted/);
  });
});
