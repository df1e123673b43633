// With --workers, the primary process is the one writer of the audit chain on this host: workers hand it
// their batches over the cluster's IPC channel and wait for its answer. Workers then neither hash nor
// insert events, and do not queue on the database's write lock behind each other's appends (on SQLite a
// waiting writer blocks its whole event loop). A worker whose channel is gone (the primary died) appends
// itself, skipping events the primary had already stored.
import cluster from 'node:cluster';
import type { PendingEvent } from './audit-trail.ts';
import { packBatch, type PackedBatch } from './packed-batch.ts';

interface AppendMessage {
  kind: 'coffer-audit-append';
  id: number;
  batch: PackedBatch;
}

interface DoneMessage {
  kind: 'coffer-audit-done';
  id: number;
  error?: string;
}

type Append = (batch: PendingEvent[]) => Promise<void>;

/**
 * A worker's append: sends the batch to the primary and resolves once the primary has written it; appends
 * through `local` (which must skip events already stored) when there is no primary to send to.
 */
export function primaryAppender(local: Append): Append {
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let next = 0;
  process.on('message', (message: DoneMessage) => {
    if (message?.kind !== 'coffer-audit-done') return;
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error === undefined) entry?.resolve();
    else entry?.reject(new Error(`the primary could not write the audit batch: ${message.error}`));
  });
  process.on('disconnect', () => {
    // The batches in flight may or may not be stored: the trail retries them, appending only what is missing.
    for (const entry of waiting.values()) entry.reject(new Error('the primary process is gone'));
    waiting.clear();
  });
  /** The send's callback: made here, away from the batch (see below). */
  const failed = (id: number) => (err: Error | null) => {
    if (!err) return;
    waiting.get(id)?.reject(err);
    waiting.delete(id);
  };
  return (batch) => {
    if (!process.connected || !process.send) return local(batch);
    const id = ++next;
    const stored = new Promise<void>((resolve, reject) => waiting.set(id, { resolve, reject }));
    // No closure made in this scope may refer to the batch: node keeps an asynchronous write's request, and the
    // callback with it, until a full garbage collection, so a batch reachable from the callback was promoted
    // and copied by every young-generation collection until then (about 2 µs of the worker's CPU per event).
    process.send({ kind: 'coffer-audit-append', id, batch: packBatch(batch) } satisfies AppendMessage, undefined, undefined, failed(id));
    return stored;
  };
}

/** The primary's side: every worker's batches go, as they were packed, through `append` (the primary's own trail). */
export function serveWorkerAppends(append: (batch: PackedBatch) => Promise<void>): void {
  cluster.on('message', (worker, message: AppendMessage) => {
    if (message?.kind !== 'coffer-audit-append') return;
    append(message.batch).then(
      () => worker.isConnected() && worker.send({ kind: 'coffer-audit-done', id: message.id } satisfies DoneMessage),
      (err: unknown) => worker.isConnected() && worker.send({ kind: 'coffer-audit-done', id: message.id, error: String(err) } satisfies DoneMessage),
    );
  });
}
