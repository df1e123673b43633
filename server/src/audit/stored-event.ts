// How an event is stored: the row's columns (event id, time, account, event name, principal, resource) plus a
// record holding only what they do not already say (the caller's access key and region, source address, user
// agent, parameters, error, request id). The full CloudTrail event is rebuilt from both when it is read.
// The whole CloudTrail JSON (~600 bytes for a GetSecretValue) was mostly constants and copies of the columns,
// serialised, sent to the primary, hashed and written (WAL, then checkpoint) on every call; the compact record
// is about a third of that, and the chain's hash now covers the columns themselves (hash-chain.ts). Records
// written before this format (the whole CloudTrail JSON) are still read and verified as they are. Pure.
import type { AuditRecord } from '../protocol/pipeline.ts';
import type { AuditEventTable } from '../store/schema.ts';
import { createEventMemo, eventJson, readOnlyOf, storedJson, toCloudTrailEvent, toServiceEvent, type CloudTrailEvent, type EventMemo, type ServiceEventInput } from './cloudtrail-event.ts';

/** Every compact record starts so; a record written before them starts with `{"eventVersion"`. */
const COMPACT_PREFIX = '{"v":2,';

export function isCompact(record: string): boolean {
  return record.startsWith(COMPACT_PREFIX);
}

/** The stored row's fields an event is rebuilt from. */
export type StoredEvent = Pick<AuditEventTable, 'event_id' | 'event_time' | 'account_id' | 'event_name' | 'principal_arn' | 'resource_arn' | 'record'>;

/** An API call's record; members that are undefined are left out. Member order is the stored bytes'. */
interface CallRecord {
  v: 2;
  /** the service's endpoint prefix (eventSource without .amazonaws.com) */
  s: string;
  /** the caller's access key id, region, and account when its ARN does not name it */
  k?: string;
  r?: string;
  a?: string;
  ip?: string;
  ua?: string;
  ec?: string;
  em?: string;
  rq?: Record<string, unknown>;
  rs?: Record<string, unknown>;
  rid: string;
  /** readOnly as recorded: a later change to what counts as read-only does not rewrite old events */
  ro: boolean;
}

interface ServiceRecord {
  v: 2;
  t: 'service';
  s: string;
  r: string;
  d: Record<string, unknown>;
}

/** The account a principal's ARN names (arn:aws:iam::<account>:...), or undefined. */
function arnAccount(arn: string): string | undefined {
  if (!arn.startsWith('arn:aws:iam::')) return undefined;
  const end = arn.indexOf(':', 13);
  return end < 0 ? undefined : arn.slice(13, end);
}

export interface StoredCall {
  record: string;
  readOnly: boolean;
  /** the response as recorded (null for reads, failures and calls without one) */
  response: Record<string, unknown> | null;
}

/** The record of an API call. `memo` is the trail's (read-only flags per operation). */
export function storedCall(entry: AuditRecord, memo: EventMemo): StoredCall {
  const readOnly = readOnlyOf(entry.operation, memo);
  // Like CloudTrail, read-only calls record no responseElements.
  const response = !readOnly && entry.response ? entry.response() : null;
  const caller = entry.caller;
  const error = entry.error;
  const record: CallRecord = {
    v: 2,
    s: entry.service,
    k: caller?.accessKeyId,
    r: caller?.region,
    a: caller && arnAccount(caller.arn) !== caller.accountId ? caller.accountId : undefined,
    ip: entry.sourceIp,
    ua: entry.userAgent,
    ec: error?.code,
    em: error?.message,
    rq: entry.request,
    rs: response ?? undefined,
    rid: entry.requestId,
    ro: readOnly,
  };
  return { record: storedJson(record, record.rq, record.rs), readOnly, response };
}

/** The record of something a service did by itself. */
export function storedServiceEvent(input: ServiceEventInput): string {
  const record: ServiceRecord = { v: 2, t: 'service', s: input.service, r: input.region, d: input.details };
  return storedJson(record, record.d);
}

/** The CloudTrail event a row holds. `memo` shares identities and times between the rows of one read. */
function cloudTrailEventOf(row: StoredEvent, memo: EventMemo = createEventMemo()): CloudTrailEvent {
  if (!isCompact(row.record)) return JSON.parse(row.record) as CloudTrailEvent;
  const stored = JSON.parse(row.record) as CallRecord | ServiceRecord;
  if ('t' in stored) {
    const input = { service: stored.s, accountId: row.account_id, region: stored.r, eventName: row.event_name, details: stored.d };
    return toServiceEvent(input, row.event_id, row.event_time, memo);
  }
  const arn = row.principal_arn;
  const entry: AuditRecord = {
    requestId: stored.rid,
    service: stored.s,
    operation: row.event_name,
    caller: arn === null ? undefined : { arn, accountId: stored.a ?? arnAccount(arn) ?? '', accessKeyId: stored.k ?? '', region: stored.r ?? '' },
    sourceIp: stored.ip,
    userAgent: stored.ua,
    request: stored.rq,
    error: stored.ec === undefined ? undefined : { code: stored.ec, message: stored.em ?? '' },
  };
  const event = toCloudTrailEvent(entry, row.event_id, row.event_time, memo);
  // As recorded, not as worked out again; the copy of a cross-account call is delivered to the resource's owner.
  event.readOnly = stored.ro;
  event.responseElements = stored.rs ?? null;
  event.recipientAccountId = row.account_id;
  return event;
}

/** The CloudTrail event a row holds, and its JSON (an older record's as stored). */
export function readStored(row: StoredEvent, memo?: EventMemo): { event: CloudTrailEvent; json: string } {
  const event = cloudTrailEventOf(row, memo);
  return { event, json: isCompact(row.record) ? eventJson(event) : row.record };
}
