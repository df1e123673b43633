// SQL for the audit trail: append a batch (the caller holds the table lock), read pages by filters, and walk
// the whole chain for verification. Events live in audit_segments, a batch per row (segment.ts); audit_events
// holds the events written before batches were stored so, each a row, and the chain starts there. No rules here.
import type { Executor } from '../store/db.ts';
import type { AuditEventTable, AuditSegmentTable } from '../store/schema.ts';
import { segmentEvents } from './segment.ts';

export type AuditRow = Omit<AuditEventTable, 'seq'> & { seq: number };

/** Batches read per query when a lookup or a verification walks them. */
const SEGMENT_PAGE = 16;

/** The chain's last event: its seq and hash (undefined for an empty trail). */
export async function lastLink(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  const segment = await db.selectFrom('audit_segments').select(['first_seq', 'event_count', 'hash']).orderBy('first_seq', 'desc').limit(1).executeTakeFirst();
  if (segment) return { seq: segment.first_seq + segment.event_count - 1, hash: segment.hash };
  return db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function insertSegment(db: Executor, segment: AuditSegmentTable): Promise<void> {
  await db.insertInto('audit_segments').values(segment).execute();
}

/** Which of these event ids (of events timed `since` or later) are stored already: a batch whose write may have landed before its answer was lost. */
export async function storedEventIds(db: Executor, ids: string[], since: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const wanted = new Set(ids);
  const stored = new Set<string>();
  for await (const segment of segments(db, { from: since })) {
    for (const event of segmentEvents(segment)) if (wanted.has(event.event_id)) stored.add(event.event_id);
  }
  return stored;
}

export interface EventQuery {
  accountId?: string;
  from?: number;
  to?: number;
  principalArn?: string;
  eventName?: string;
  resourceArn?: string;
  /** only events older than this one (the last of the previous page) */
  beforeSeq?: number;
  limit: number;
}

/**
 * Events matching every filter, newest first (CloudTrail's order: the recent activity is on the first page),
 * up to the limit: the batches from the last one back, then the older per-event rows.
 */
export async function findEvents(db: Executor, q: EventQuery): Promise<AuditRow[]> {
  const found: AuditRow[] = [];
  const matches = (e: AuditRow) =>
    (q.beforeSeq === undefined || e.seq < q.beforeSeq) &&
    (q.accountId === undefined || e.account_id === q.accountId) &&
    (q.from === undefined || e.event_time >= q.from) &&
    (q.to === undefined || e.event_time <= q.to) &&
    (q.principalArn === undefined || e.principal_arn === q.principalArn) &&
    (q.eventName === undefined || e.event_name === q.eventName) &&
    (q.resourceArn === undefined || e.resource_arn === q.resourceArn);
  for await (const segment of segments(db, { ...q, newestFirst: true })) {
    const events = segmentEvents(segment);
    for (let i = events.length - 1; i >= 0; i--) {
      if (!matches(events[i])) continue;
      found.push(events[i]);
      if (found.length >= q.limit) return found;
    }
  }
  let query = db.selectFrom('audit_events').selectAll();
  if (q.accountId !== undefined) query = query.where('account_id', '=', q.accountId);
  if (q.from !== undefined) query = query.where('event_time', '>=', q.from);
  if (q.to !== undefined) query = query.where('event_time', '<=', q.to);
  if (q.principalArn !== undefined) query = query.where('principal_arn', '=', q.principalArn);
  if (q.eventName !== undefined) query = query.where('event_name', '=', q.eventName);
  if (q.resourceArn !== undefined) query = query.where('resource_arn', '=', q.resourceArn);
  if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
  found.push(...((await query.orderBy('seq', 'desc').limit(q.limit - found.length).execute()) as AuditRow[]));
  return found;
}

interface SegmentQuery {
  /** batches holding events before this seq */
  beforeSeq?: number;
  from?: number;
  to?: number;
  /** from the last batch back (lookups), rather than in seq order (verification) */
  newestFirst?: boolean;
}

/** Batches in seq order (or from the last back), a page at a time: those holding events inside the time range (and before `beforeSeq`). */
async function* segments(db: Executor, q: SegmentQuery = {}): AsyncGenerator<AuditSegmentTable> {
  let edge: number | undefined;
  for (;;) {
    let query = db.selectFrom('audit_segments').selectAll();
    if (edge !== undefined) query = query.where('first_seq', q.newestFirst ? '<' : '>', edge);
    if (q.beforeSeq !== undefined) query = query.where('first_seq', '<', q.beforeSeq);
    if (q.from !== undefined) query = query.where('max_time', '>=', q.from);
    if (q.to !== undefined) query = query.where('min_time', '<=', q.to);
    const page = await query.orderBy('first_seq', q.newestFirst ? 'desc' : 'asc').limit(SEGMENT_PAGE).execute();
    yield* page;
    if (page.length < SEGMENT_PAGE) return;
    edge = page[page.length - 1].first_seq;
  }
}

/** The whole chain in seq order, as verification walks it: the older per-event rows, then the batches. */
export async function* chain(db: Executor, batch = 1000): AsyncGenerator<{ row: AuditRow } | { segment: AuditSegmentTable }> {
  let after = -1;
  for (;;) {
    const rows = (await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute()) as AuditRow[];
    for (const row of rows) yield { row };
    if (rows.length < batch) break;
    after = rows[rows.length - 1].seq;
  }
  for await (const segment of segments(db)) yield { segment };
}

/**
 * Every event timed `from` or later, in seq order, a batch at a time (nothing is held beyond one page of
 * batches): the older per-event rows, then the batches whose time range reaches `from`.
 */
export async function* eventsSince(db: Executor, from: number): AsyncGenerator<AuditRow> {
  let after = -1;
  for (;;) {
    const rows = (await db.selectFrom('audit_events').selectAll().where('event_time', '>=', from).where('seq', '>', after).orderBy('seq').limit(1000).execute()) as AuditRow[];
    yield* rows;
    if (rows.length < 1000) break;
    after = rows[rows.length - 1].seq;
  }
  for await (const segment of segments(db, { from })) {
    for (const event of segmentEvents(segment)) if (event.event_time >= from) yield event;
  }
}

/** Every stored event in seq order (tests read the store itself with it). */
export async function* allEvents(db: Executor): AsyncGenerator<AuditRow> {
  for await (const part of chain(db)) {
    if ('row' in part) yield part.row;
    else yield* segmentEvents(part.segment);
  }
}

/**
 * Up to `limit` events after the seq `after`, in seq order (the change feed reads forward from a position):
 * the older per-event rows, then the batch holding `after + 1` and those after it.
 */
export async function eventsAfter(db: Executor, after: number, limit: number): Promise<AuditRow[]> {
  const found = (await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute()) as AuditRow[];
  if (found.length >= limit) return found;
  const holding = await db.selectFrom('audit_segments').select('first_seq').where('first_seq', '<=', after).orderBy('first_seq', 'desc').limit(1).executeTakeFirst();
  let edge = holding ? holding.first_seq - 1 : -1;
  for (;;) {
    const page = await db.selectFrom('audit_segments').selectAll().where('first_seq', '>', edge).orderBy('first_seq').limit(SEGMENT_PAGE).execute();
    for (const segment of page) {
      for (const event of segmentEvents(segment)) {
        if (event.seq <= after) continue;
        found.push(event);
        if (found.length >= limit) return found;
      }
    }
    if (page.length < SEGMENT_PAGE) return found;
    edge = page[page.length - 1].first_seq;
  }
}
