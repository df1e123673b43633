// Who read a secret, from the audit trail (no second write path): the successful GetSecretValue calls filed
// under the secret's ARN, and the BatchGetSecretValue calls that named it in SecretIdList (a batch chosen by
// Filters names no secret in its event, so it is not counted). Only what the request asked is recorded
// (CloudTrail keeps no responseElements for reads), so a read is kept with the VersionId or VersionStage it
// asked for, and with its phase: how many label moves (and the caller's `splitAt`) came before it, which lets
// rotation tell which version a read of a label returned. Reads are folded to the latest per principal, version
// asked, label asked and phase, so a busy secret costs a few map entries, not an array of its reads.
import type { AuditTrail } from './audit-trail.ts';
import { readStored } from './stored-event.ts';

export interface ReadQuery {
  accountId: string;
  arn: string;
  name: string;
  /** events before this time are not looked at */
  from: number;
  /** a time that starts a phase of its own (rotation: when AWSCURRENT last moved, as far as it knows) */
  splitAt: number;
}

export interface ReadBucket {
  principalArn: string;
  versionId?: string;
  /** the label asked for (AWSCURRENT when the call named neither a version nor a label) */
  versionStage?: string;
  /** how many split points (`splitAt`, label moves) came before these reads */
  phase: number;
  lastRead: number;
}

export interface SecretReads {
  reads: ReadBucket[];
  /** the phase of reads made after every split point */
  finalPhase: number;
  /** the last split point: `splitAt`, or a later UpdateSecretVersionStage of the secret */
  lastSplit: number;
  /** events examined */
  examined: number;
}

type Params = { SecretId?: unknown; VersionId?: unknown; VersionStage?: unknown; SecretIdList?: unknown } | null;

export async function secretReads(trail: Pick<AuditTrail, 'since'>, q: ReadQuery): Promise<SecretReads> {
  const buckets = new Map<string, ReadBucket>();
  // a partial ARN (without the six random characters) names the secret too
  const names = new Set([q.arn, q.name, q.arn.slice(0, -7)]);
  let moves = 0;
  let lastSplit = q.splitAt;
  let examined = 0;
  for await (const row of trail.since(q.from)) {
    examined++;
    if (row.account_id !== q.accountId || row.principal_arn === null) continue;
    const batch = row.event_name === 'BatchGetSecretValue';
    if (!batch && row.resource_arn !== q.arn) continue;
    if (!batch && row.event_name !== 'GetSecretValue' && row.event_name !== 'UpdateSecretVersionStage') continue;
    const { event } = readStored(row);
    if (event.errorCode) continue;
    const params = event.requestParameters as Params;
    if (row.event_name === 'UpdateSecretVersionStage') {
      moves++;
      lastSplit = Math.max(lastSplit, row.event_time);
      continue;
    }
    if (batch && !(Array.isArray(params?.SecretIdList) && params.SecretIdList.some((id) => names.has(String(id))))) continue;
    const versionId = typeof params?.VersionId === 'string' ? params.VersionId : undefined;
    const versionStage = typeof params?.VersionStage === 'string' ? params.VersionStage : versionId ? undefined : 'AWSCURRENT';
    const phase = moves + (row.event_time >= q.splitAt ? 1 : 0);
    const key = `${row.principal_arn}\n${versionId ?? ''}\n${versionStage ?? ''}\n${phase}`;
    const seen = buckets.get(key);
    if (seen) seen.lastRead = Math.max(seen.lastRead, row.event_time);
    else buckets.set(key, { principalArn: row.principal_arn, ...(versionId ? { versionId } : {}), ...(versionStage ? { versionStage } : {}), phase, lastRead: row.event_time });
  }
  return { reads: [...buckets.values()], finalPhase: moves + 1, lastSplit, examined };
}
