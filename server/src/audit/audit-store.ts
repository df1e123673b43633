// SQL for the audit trail: append in seq order (the caller holds the table lock), read pages by filters,
// and walk the whole chain for verification. No rules here.
import type { Executor, Store, Tx } from '../store/db.ts';
import type { AuditEventTable } from '../store/schema.ts';

export type AuditRow = Omit<AuditEventTable, 'seq'> & { seq: number };

export async function lastRow(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  return db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Which of these event ids are stored already (a batch whose write may have landed before its answer was lost). */
export async function storedEventIds(db: Executor, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('audit_events').select('event_id').where('event_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.event_id));
}

export async function insertRows(store: Store, tx: Tx, rows: AuditRow[]): Promise<void> {
  await store.bulkInsert(tx, 'audit_events', rows);
}

export interface EventQuery {
  accountId?: string;
  from?: number;
  to?: number;
  principalArn?: string;
  eventName?: string;
  resourceArn?: string;
  afterSeq?: number;
  limit: number;
}

export async function findEvents(db: Executor, q: EventQuery): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (q.accountId !== undefined) query = query.where('account_id', '=', q.accountId);
  if (q.from !== undefined) query = query.where('event_time', '>=', q.from);
  if (q.to !== undefined) query = query.where('event_time', '<=', q.to);
  if (q.principalArn !== undefined) query = query.where('principal_arn', '=', q.principalArn);
  if (q.eventName !== undefined) query = query.where('event_name', '=', q.eventName);
  if (q.resourceArn !== undefined) query = query.where('resource_arn', '=', q.resourceArn);
  if (q.afterSeq !== undefined) query = query.where('seq', '>', q.afterSeq);
  return query.orderBy('seq').limit(q.limit).execute() as Promise<AuditRow[]>;
}

/** Every event in seq order, a batch at a time (verification of a long trail without holding it all). */
export async function* allRows(db: Executor, batch = 1000): AsyncGenerator<AuditRow> {
  let after = -1;
  for (;;) {
    const rows = (await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute()) as AuditRow[];
    yield* rows;
    if (rows.length < batch) return;
    after = rows[rows.length - 1].seq;
  }
}
