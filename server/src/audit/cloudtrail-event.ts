// An API call as a CloudTrail event (CloudTrail record contents, eventVersion 1.08): who (userIdentity),
// what (eventSource, eventName, requestParameters, responseElements), where from (sourceIPAddress,
// userAgent), when (eventTime), the outcome (errorCode, errorMessage) and ids (requestID, eventID).
// Pure. Parameters arrive redacted by the service model; members keep the model's names (PascalCase)
// where CloudTrail would write them camelCase. Like CloudTrail, read-only calls record no responseElements.
import type { AuditRecord } from '../protocol/pipeline.ts';

export interface CloudTrailEvent {
  eventVersion: string;
  userIdentity: Record<string, string>;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  managementEvent: true;
  recipientAccountId: string;
  additionalEventData?: Record<string, unknown>;
}

/** Something a service did by itself (a scheduled rotation's steps, ...), not an API call. */
export interface ServiceEventInput {
  /** the service's endpoint prefix: secretsmanager */
  service: string;
  accountId: string;
  region: string;
  eventName: string;
  resourceArn?: string;
  /** what the event is about (CloudTrail's additionalEventData); nothing secret */
  details: Record<string, unknown>;
  /**
   * The event records a change to the resource (a rotation that moved AWSCURRENT): it is written at once, as a
   * change call's event is, so that readers of the trail (the change feed) see it without the timer's delay.
   */
  changes?: boolean;
}

const READ_ONLY = /^(Get|Describe|List|BatchGet|Validate|Lookup|Verify|Decrypt|Encrypt|ReEncrypt|GenerateDataKey|GenerateRandom)/;

export function isReadOnly(operation: string): boolean {
  return READ_ONLY.test(operation);
}

/**
 * What events built together share, worked out once instead of per event (a trail's records use the read-only
 * flags; the rows of one lookup, rebuilt by stored-event.ts, the rest): the identity of each caller (by ARN
 * and access key), the text of the current second, each operation's read-only flag, each service's source.
 * Entries are bounded by the callers and operations that exist; the maps are emptied if they grow past that.
 */
export interface EventMemo {
  identities: Map<string, Record<string, string>>;
  readOnly: Map<string, boolean>;
  sources: Map<string, string>;
  second: number;
  secondText: string;
}

const MEMO_LIMIT = 10_000;

export function createEventMemo(): EventMemo {
  return { identities: new Map(), readOnly: new Map(), sources: new Map(), second: NaN, secondText: '' };
}

const UNKNOWN: Record<string, string> = Object.freeze({ type: 'Unknown' }) as Record<string, string>;
const USER_NAME = /:user\/(?:.*\/)?([^/]+)$/;

function identityOf(entry: AuditRecord, memo: EventMemo): Record<string, string> {
  const caller = entry.caller;
  if (!caller) return UNKNOWN;
  const known = memo.identities.get(caller.arn);
  if (known !== undefined && known.accessKeyId === caller.accessKeyId && known.accountId === caller.accountId) return known;
  if (memo.identities.size >= MEMO_LIMIT) memo.identities.clear();
  const user = USER_NAME.exec(caller.arn)?.[1];
  const identity: Record<string, string> =
    user !== undefined
      ? { type: 'IAMUser', principalId: caller.arn, arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId, userName: user }
      : { type: 'Root', principalId: caller.accountId, arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
  memo.identities.set(caller.arn, identity);
  return identity;
}

/** CloudTrail's eventTime: ISO 8601 to the second (2026-11-27T13:45:06Z), the same text for a whole second. */
function timeText(time: number, memo: EventMemo): string {
  const second = Math.floor(time / 1000);
  if (second !== memo.second) {
    const iso = new Date(second * 1000).toISOString();
    memo.second = second;
    memo.secondText = iso.slice(0, -5) + 'Z';
  }
  return memo.secondText;
}

export function readOnlyOf(operation: string, memo: EventMemo): boolean {
  let readOnly = memo.readOnly.get(operation);
  if (readOnly === undefined) {
    if (memo.readOnly.size >= MEMO_LIMIT) memo.readOnly.clear();
    memo.readOnly.set(operation, (readOnly = isReadOnly(operation)));
  }
  return readOnly;
}

function sourceOf(service: string, memo: EventMemo): string {
  let source = memo.sources.get(service);
  if (source === undefined) {
    if (memo.sources.size >= MEMO_LIMIT) memo.sources.clear();
    memo.sources.set(service, (source = `${service}.amazonaws.com`));
  }
  return source;
}

function pick(o: Record<string, unknown> | null | undefined, k: string): string | undefined {
  const value = o?.[k];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The resource an event is about, for lookups: the ARN the answer named, else (a failed call, or an answer
 * naming none) the request's secret, key or user as the caller named it.
 */
export function resourceOf(entry: AuditRecord, response: Record<string, unknown> | null): string | undefined {
  return entry.resourceArn ?? pick(response, 'ARN') ?? pick(entry.request, 'SecretId') ?? pick(entry.request, 'KeyId') ?? pick(entry.request, 'UserName');
}

/** `memo` is the trail's (createEventMemo); without one, nothing is shared between calls. */
export function toCloudTrailEvent(entry: AuditRecord, eventId: string, time: number, memo: EventMemo = createEventMemo()): CloudTrailEvent {
  const readOnly = readOnlyOf(entry.operation, memo);
  const response = !readOnly && entry.response ? entry.response() : null;
  const caller = entry.caller;
  // Two literals, not a conditional spread: each is one object shape, and errorCode/errorMessage stay absent
  // (not undefined) when the call succeeded. Member order is the CloudTrail JSON's (as older rows store it).
  const error = entry.error;
  if (error) {
    return {
      eventVersion: '1.08',
      userIdentity: identityOf(entry, memo),
      eventTime: timeText(time, memo),
      eventSource: sourceOf(entry.service, memo),
      eventName: entry.operation,
      awsRegion: caller?.region ?? '',
      sourceIPAddress: entry.sourceIp ?? '',
      userAgent: entry.userAgent ?? '',
      errorCode: error.code,
      errorMessage: error.message,
      requestParameters: entry.request ?? null,
      responseElements: response,
      requestID: entry.requestId,
      eventID: eventId,
      readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: caller?.accountId ?? '',
    };
  }
  return {
    eventVersion: '1.08',
    userIdentity: identityOf(entry, memo),
    eventTime: timeText(time, memo),
    eventSource: sourceOf(entry.service, memo),
    eventName: entry.operation,
    awsRegion: caller?.region ?? '',
    sourceIPAddress: entry.sourceIp ?? '',
    userAgent: entry.userAgent ?? '',
    requestParameters: entry.request ?? null,
    responseElements: response,
    requestID: entry.requestId,
    eventID: eventId,
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: caller?.accountId ?? '',
  };
}

/** A service event as CloudTrail writes one (eventType AwsServiceEvent, the service itself as the identity). */
export function toServiceEvent(input: ServiceEventInput, eventId: string, time: number, memo: EventMemo = createEventMemo()): CloudTrailEvent {
  const source = sourceOf(input.service, memo);
  return {
    eventVersion: '1.08',
    userIdentity: { accountId: input.accountId, invokedBy: source },
    eventTime: timeText(time, memo),
    eventSource: source,
    eventName: input.eventName,
    awsRegion: input.region,
    sourceIPAddress: source,
    userAgent: source,
    requestParameters: null,
    responseElements: null,
    additionalEventData: input.details,
    requestID: eventId,
    eventID: eventId,
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: input.accountId,
  };
}

/** The event's JSON: bytes as base64 (a redacted copy holds only non-sensitive ones, e.g. ciphertext blobs). */
export function eventJson(event: CloudTrailEvent): string {
  return storedJson(event, event.requestParameters, event.responseElements);
}

/** JSON of `value`, bytes as base64 when `part` or `other` (the members of it that can hold bytes) holds some. */
export function storedJson(value: object, part: unknown, other?: unknown): string {
  // A replacer runs for every member of the value; most events hold no bytes and do without one.
  if (!holdsBytes(part) && !holdsBytes(other)) return JSON.stringify(value);
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member && typeof member === 'object' && (member as { type?: string }).type === 'Buffer' && Array.isArray((member as { data?: unknown }).data)) {
      return Buffer.from((member as { data: number[] }).data).toString('base64');
    }
    return member instanceof Uint8Array ? Buffer.from(member).toString('base64') : member;
  });
}

function holdsBytes(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Uint8Array) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsBytes(value[i])) return true;
    return false;
  }
  // for-in over the object's own members (these are plain JSON-like objects): no array of values per object
  for (const key in value) if (Object.hasOwn(value, key) && holdsBytes((value as Record<string, unknown>)[key])) return true;
  return false;
}
