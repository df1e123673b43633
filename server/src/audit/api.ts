// The audit trail on the admin API: LookupEvents (CloudTrail's, newest first, filtered by time, principal,
// event name, resource) and VerifyAuditTrail. An account root reads its own account's events; a user may
// when its identity policy allows cloudtrail:LookupEvents. Verification walks the chain every account shares,
// so only the operator may run it.
import type { Handler } from '../protocol/pipeline.ts';
import { AwsError } from '../errors/aws-errors.ts';
import { requireOperator, type Authorizer, type RequestScope } from '../access/authorizer.ts';
import type { AuditTrail } from './audit-trail.ts';
import { createEventMemo } from './cloudtrail-event.ts';
import { readStored } from './stored-event.ts';

interface LookupInput {
  StartTime?: Date;
  EndTime?: Date;
  PrincipalArn?: string;
  EventName?: string;
  ResourceArn?: string;
  MaxResults?: number;
  NextToken?: string;
}

const invalid = (message: string) => new AwsError('InvalidInputException', message);

/** A time as epoch milliseconds; one outside the dates JavaScript can hold (e.g. -1e308 seconds) is refused. */
function timeOf(date: Date | undefined, member: string): number | undefined {
  if (date === undefined) return undefined;
  if (Number.isNaN(date.getTime())) throw invalid(`${member} is not a valid time.`);
  return date.getTime();
}

export function auditHandlers(trail: AuditTrail, authorizer: Authorizer, operatorAccountId: string): Record<string, Handler> {
  const scopeOf = (caller: Parameters<Handler>[0]): RequestScope => ({ accountId: caller.accountId, region: caller.region, caller });

  const lookupEvents: Handler = async (caller, raw) => {
    const input = raw as LookupInput;
    const scope = scopeOf(caller);
    (await authorizer.forRequest(scope)).require({ action: 'cloudtrail:LookupEvents', resource: '*', resourceAccountId: scope.accountId });
    // The token is the seq of the previous page's last (oldest) event: the next page starts just before it.
    let beforeSeq: number | undefined;
    if (input.NextToken !== undefined) {
      beforeSeq = Number(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
      if (!Number.isSafeInteger(beforeSeq)) throw invalid('Invalid NextToken: pass the NextToken of the previous response unchanged.');
    }
    const limit = input.MaxResults ?? 50;
    const rows = await trail.lookup({
      accountId: scope.accountId,
      from: timeOf(input.StartTime, 'StartTime'),
      to: timeOf(input.EndTime, 'EndTime'),
      principalArn: input.PrincipalArn,
      eventName: input.EventName,
      resourceArn: input.ResourceArn,
      beforeSeq,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const memo = createEventMemo();
    const Events = page.map((row) => {
      const { event, json } = readStored(row, memo);
      return {
        EventId: row.event_id,
        EventName: row.event_name,
        EventSource: event.eventSource,
        EventTime: new Date(row.event_time),
        ...(event.userIdentity.userName ? { Username: event.userIdentity.userName } : {}),
        ...(row.principal_arn ? { PrincipalArn: row.principal_arn } : {}),
        ...(row.resource_arn ? { ResourceArn: row.resource_arn } : {}),
        ReadOnly: String(event.readOnly),
        ...(event.userIdentity.accessKeyId ? { AccessKeyId: event.userIdentity.accessKeyId } : {}),
        ...(event.errorCode ? { ErrorCode: event.errorCode } : {}),
        CloudTrailEvent: json,
      };
    });
    const more = rows.length > limit;
    return { Events, ...(more ? { NextToken: Buffer.from(String(page[page.length - 1].seq)).toString('base64url') } : {}) };
  };

  const verifyAuditTrail: Handler = async (caller) => {
    requireOperator(caller, operatorAccountId, 'VerifyAuditTrail');
    const result = await trail.verify();
    return {
      Valid: result.valid,
      EventsChecked: result.eventsChecked,
      HeadHash: result.head,
      ...(result.problem ? { FirstBadEventId: result.problem.eventId, FirstBadSequence: result.problem.seq, Problem: result.problem.problem } : {}),
    };
  };

  return { LookupEvents: lookupEvents, VerifyAuditTrail: verifyAuditTrail };
}
