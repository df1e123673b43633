// The audit trail: every API call becomes one CloudTrail-shaped event, appended to one hash chain shared by
// every server on the database. Events are queued in memory and written in batches (one transaction, the
// table locked). A call that changed something waits for its event: the queue is written on the next turn
// of the event loop, together with whatever else arrived meanwhile, and the call's promise settles once its
// event is stored; if it cannot be (the write failed, the trail is closed or full), the promise rejects and
// the change is not acknowledged. So a crash never loses the event of an acknowledged change. Read-only and
// failed calls do not wait: they are written every FLUSH_MS or BATCH events, so a crash can lose at most the
// last FLUSH_MS of them. close() and every lookup flush first.
import type { AuditRecord, AuditSink, Logger } from '../protocol/pipeline.ts';
import type { Store, Tx } from '../store/db.ts';
import * as db from './audit-store.ts';
import { createEventMemo, readOnlyOf, resourceOf, type ServiceEventInput } from './cloudtrail-event.ts';
import { storedCall, storedServiceEvent } from './stored-event.ts';
import { GENESIS, verifyRows, type ChainProblem } from './hash-chain.ts';
import { packBatch, type PackedBatch } from './packed-batch.ts';
import { buildSegment, verifySegment } from './segment.ts';
import { secretReads, type ReadQuery } from './secret-reads.ts';
export type { ReadBucket, ReadQuery, SecretReads } from './secret-reads.ts';

const FLUSH_MS = 1000;
const ARN_ACCOUNT = /^arn:aws:[^:]+:[^:]*:(\d{12}):/;
const BATCH = 1000;
/** Beyond this many unwritten events (the database is down), new ones are dropped and counted. */
const MAX_QUEUE = 100_000;

export interface AuditTrailDeps {
  store: Store;
  now: () => number;
  /** a new event id (createEventIds: time-ordered UUIDs, so the event_id index is appended to) */
  eventId: () => string;
  logger: Logger;
  /**
   * Where batches go instead of this process's store: a --workers worker hands them to the primary
   * (cluster-writer.ts). Resolves once they are stored; a failure leaves them queued for the next flush.
   */
  append?: (batch: PendingEvent[]) => Promise<void>;
  /** after each batch is stored: how many events, and how long ago (by `now`) its oldest was recorded */
  onWritten?: (events: number, lagMs: number) => void;
}

/** An event ready for the chain: its record serialised, the columns lookups filter on. */
export type PendingEvent = Pending;

interface Pending {
  eventId: string;
  time: number;
  accountId: string;
  eventName: string;
  principalArn: string | null;
  resourceArn: string | null;
  record: string;
}

export interface Verification {
  valid: boolean;
  eventsChecked: number;
  head: string;
  problem?: ChainProblem;
}

export function createAuditTrail(deps: AuditTrailDeps) {
  const { store, now, eventId: newEventId, logger } = deps;
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let dropped = 0;
  let closed = false;
  /** events enqueued and written since start: a flush writes up to the count enqueued when it was called */
  let enqueued = 0;
  let written = 0;
  let sizeFlush: Promise<void> | undefined;
  const memo = createEventMemo();

  function schedule(ms: number): void {
    if (timer || closed) return;
    timer = setTimeout(() => void flush(), ms);
    // close() flushes what is queued; a pending timer must not keep the process alive.
    timer.unref();
  }

  const sink: AuditSink = {
    record(entry: AuditRecord) {
      if (closed || full()) return unrecorded(entry);
      const time = now();
      const eventId = newEventId();
      const { record, readOnly, response } = storedCall(entry, memo);
      const resourceArn = resourceOf(entry, response) ?? null;
      const principalArn = entry.caller?.arn ?? null;
      const accountId = entry.caller?.accountId ?? '';
      const eventName = entry.operation;
      enqueue({ eventId, time, accountId, eventName, principalArn, resourceArn, record });
      // A call on another account's secret or key is in both trails, as CloudTrail delivers it: the owner
      // sees who used (or tried to use) its resource. The owner's copy has its own event id; the record
      // is the same (the recipient account is the row's).
      const owner = resourceArn ? ARN_ACCOUNT.exec(resourceArn)?.[1] : undefined;
      if (owner !== undefined && accountId !== '' && owner !== accountId) {
        enqueue({ eventId: newEventId(), time, accountId: owner, eventName, principalArn, resourceArn, record });
      }
      if (!readOnly && !entry.error) return flushSoon();
    },
  };

  /**
   * Writes the queue on the next turn of the event loop: changes made in the same turn share one transaction.
   * Settles once everything queued by then is stored; rejects if it is not (a write failed: the events stay
   * queued and are retried, but the changes waiting on them are not acknowledged).
   */
  let soon: Promise<void> | undefined;
  function flushSoon(): Promise<void> {
    soon ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        soon = undefined;
        const upTo = enqueued;
        void flush().then(() => (written >= upTo ? resolve() : reject(new Error('the audit events of these changes could not be stored yet'))));
      });
    });
    return soon;
  }

  /** A call that could not be queued: a change must not be acknowledged without its event. */
  function unrecorded(entry: AuditRecord): Promise<void> | undefined {
    if (entry.error || readOnlyOf(entry.operation, memo)) return;
    return Promise.reject(new Error(closed ? 'the audit trail is closed' : 'the audit queue is full'));
  }

  /** True (and the drop counted, logged now and then) when the queue is full: the database has been down long. */
  function full(): boolean {
    if (queue.length < MAX_QUEUE) return false;
    if (dropped++ % 1000 === 0) logger.error('audit queue full: events dropped', { dropped });
    return true;
  }

  function enqueue(pending: Pending): void {
    queue.push(pending);
    enqueued += 1;
    // One size-triggered flush at a time: each event past BATCH must not queue a flush of its own, which
    // would write the events that arrive during a write as a stream of tiny transactions.
    if (queue.length >= BATCH && !sizeFlush) sizeFlush = flush().finally(() => (sizeFlush = undefined));
    else schedule(FLUSH_MS);
  }

  /** Records what a service did by itself (rotation steps): CloudTrail's AwsServiceEvent, in the same chain. */
  function serviceEvent(input: ServiceEventInput): void {
    if (closed || full()) return;
    const time = now();
    const eventId = newEventId();
    enqueue({ eventId, time, accountId: input.accountId, eventName: input.eventName, principalArn: null, resourceArn: input.resourceArn ?? null, record: storedServiceEvent(input) });
    // a failed write keeps the event queued and retries it; nobody waits on this one
    if (input.changes) flushSoon().catch(() => {});
  }

  /**
   * Appends a batch to the chain in one transaction, as one stored batch (segment.ts); with onlyMissing,
   * events already stored are skipped (a worker's batch whose write by the primary may have landed).
   */
  function write(batch: Pending[], onlyMissing = false): Promise<void> {
    return append(async (tx) => {
      if (onlyMissing && batch.length > 0) {
        const stored = await db.storedEventIds(tx, batch.map((p) => p.eventId), Math.min(...batch.map((p) => p.time)));
        batch = batch.filter((p) => !stored.has(p.eventId));
      }
      return packBatch(batch);
    });
  }

  /** Appends a batch as a worker packed it (the primary's path: the batch is stored as it arrived). */
  function writePacked(packed: PackedBatch): Promise<void> {
    return append(() => packed);
  }

  /** One transaction: the chain's table locked, then the batch `batchOf` gives (read under the lock) linked to the last event. */
  async function append(batchOf: (tx: Tx) => PackedBatch | Promise<PackedBatch>): Promise<void> {
    await store.db.transaction().execute(async (tx) => {
      // One chain for every server: appenders take turns (SQLite's write lock; a table lock on PostgreSQL).
      await store.lockTables(tx, ['audit_segments']);
      const packed = await batchOf(tx);
      if (packed.times.length === 0) return;
      const last = await db.lastLink(tx);
      await db.insertSegment(tx, buildSegment(packed, (last?.seq ?? 0) + 1, last?.hash ?? GENESIS));
    });
  }

  /**
   * Writes everything queued so far (in order, one batch at a time). Events that arrive while it writes wait
   * for the next flush (the timer, a full batch, or a change's flushSoon), so a busy server writes full batches.
   */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const upTo = enqueued;
    writing = writing.then(async () => {
      while (written < upTo && queue.length > 0) {
        const batch = queue.slice(0, Math.min(BATCH, upTo - written));
        try {
          await (deps.append ? deps.append(batch) : write(batch));
          queue = queue.slice(batch.length);
          written += batch.length;
          deps.onWritten?.(batch.length, now() - batch[0].time);
        } catch (err) {
          logger.error('audit write failed; retrying', { error: String(err), pending: queue.length });
          schedule(FLUSH_MS * 5);
          return;
        }
      }
      if (queue.length > 0) schedule(FLUSH_MS);
    });
    return writing;
  }

  async function lookup(query: db.EventQuery): Promise<db.AuditRow[]> {
    await flush();
    return db.findEvents(store.db, query);
  }

  /** Events after the seq `after`, oldest first (the change feed); what this server has queued is written first. */
  async function eventsAfter(after: number, limit: number): Promise<db.AuditRow[]> {
    await flush();
    return db.eventsAfter(store.db, after, limit);
  }

  /** Every event timed `from` or later, in seq order (what this server has queued is written first). */
  async function* since(from: number): AsyncGenerator<db.AuditRow> {
    await flush();
    yield* db.eventsSince(store.db, from);
  }

  /** The seq of the chain's last stored event (-1 for an empty trail): where a new reader of the feed starts. */
  async function position(): Promise<number> {
    await flush();
    return (await db.lastLink(store.db))?.seq ?? -1;
  }

  /** Walks the whole chain from the first event; the first problem found names its event. */
  async function verify(): Promise<Verification> {
    await flush();
    let checked = 0;
    let head = GENESIS;
    for await (const part of db.chain(store.db)) {
      const result = 'row' in part ? verifyRows([part.row], head) : verifySegment(part.segment, head);
      if (result.problem) return { valid: false, eventsChecked: checked, head, problem: result.problem };
      head = result.head;
      checked += 'row' in part ? 1 : part.segment.event_count;
    }
    return { valid: true, eventsChecked: checked, head };
  }

  /** Writes what is queued and stops recording (the server is closing). */
  async function close(): Promise<void> {
    await flush();
    closed = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
  }

  return { sink, serviceEvent, flush, close, lookup, eventsAfter, since, secretReads: (q: ReadQuery) => secretReads({ since }, q), position, verify, write, writePacked, pending: () => queue.length };
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
