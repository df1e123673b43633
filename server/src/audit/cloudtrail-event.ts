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
}

const READ_ONLY = /^(Get|Describe|List|BatchGet|Validate|Lookup|Verify|Decrypt|Encrypt|ReEncrypt|GenerateDataKey|GenerateRandom)/;

export function isReadOnly(operation: string): boolean {
  return READ_ONLY.test(operation);
}

function identityOf(entry: AuditRecord): Record<string, string> {
  const caller = entry.caller;
  if (!caller) return { type: 'Unknown' };
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(caller.arn)?.[1];
  return {
    type: user !== undefined ? 'IAMUser' : 'Root',
    principalId: user !== undefined ? caller.arn : caller.accountId,
    arn: caller.arn,
    accountId: caller.accountId,
    accessKeyId: caller.accessKeyId,
    ...(user !== undefined ? { userName: user } : {}),
  };
}

/** The resource an event is about, for lookups: the response's ARN, else the request's secret or key. */
export function resourceOf(entry: AuditRecord, response: Record<string, unknown> | null): string | undefined {
  const pick = (o: Record<string, unknown> | null | undefined, k: string) => (typeof o?.[k] === 'string' ? (o[k] as string) : undefined);
  return pick(response, 'ARN') ?? pick(entry.request, 'SecretId') ?? pick(entry.request, 'KeyId') ?? pick(entry.request, 'UserName');
}

export function toCloudTrailEvent(entry: AuditRecord, eventId: string, time: number): CloudTrailEvent {
  const readOnly = isReadOnly(entry.operation);
  const response = !readOnly && entry.response ? entry.response() : null;
  return {
    eventVersion: '1.08',
    userIdentity: identityOf(entry),
    eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${entry.service}.amazonaws.com`,
    eventName: entry.operation,
    awsRegion: entry.caller?.region ?? '',
    sourceIPAddress: entry.sourceIp ?? '',
    userAgent: entry.userAgent ?? '',
    ...(entry.error ? { errorCode: entry.error.code, errorMessage: entry.error.message } : {}),
    requestParameters: entry.request ?? null,
    responseElements: response,
    requestID: entry.requestId,
    eventID: eventId,
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: entry.caller?.accountId ?? '',
  };
}

/** A service event as CloudTrail writes one (eventType AwsServiceEvent, the service itself as the identity). */
export function toServiceEvent(input: ServiceEventInput, eventId: string, time: number): CloudTrailEvent {
  const source = `${input.service}.amazonaws.com`;
  return {
    eventVersion: '1.08',
    userIdentity: { accountId: input.accountId, invokedBy: source },
    eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
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

/** JSON for storage: bytes as base64 (a redacted copy holds only non-sensitive ones, e.g. ciphertext blobs). */
export function eventJson(event: CloudTrailEvent): string {
  // A replacer runs for every member of the event; most events hold no bytes and do without one.
  if (!holdsBytes(event.requestParameters) && !holdsBytes(event.responseElements)) return JSON.stringify(event);
  return JSON.stringify(event, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
      return Buffer.from((value as { data: number[] }).data).toString('base64');
    }
    return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
  });
}

function holdsBytes(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Uint8Array) return true;
  for (const member of Array.isArray(value) ? value : Object.values(value)) if (holdsBytes(member)) return true;
  return false;
}
