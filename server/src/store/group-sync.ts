// Group commit for SQLite: commits are written to the write-ahead log without waiting for the disk
// (synchronous=NORMAL), and a write is acknowledged only after one fsync of the log that started after its
// commit. Concurrent writers share that fsync, and it runs on libuv's thread pool, so the event loop keeps
// serving reads while the disk works.
import { open } from 'node:fs/promises';

/**
 * Returns `sync()`: resolves once a flush that began after the call has finished. A flush already running may
 * have begun before the caller's commit, so callers that arrive meanwhile share the next one.
 */
export function groupSync(flush: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const flushing: Promise<void> = flush().finally(() => {
      if (running === flushing) running = undefined;
    });
    running = flushing;
    return flushing;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}

/**
 * Flushes the SQLite database's write-ahead log to the disk. fsync works on the file, whichever descriptor
 * wrote it. No log means a checkpoint moved every commit into the database file and synced it first.
 */
export function walFlush(databasePath: string): () => Promise<void> {
  const walPath = `${databasePath}-wal`;
  return async () => {
    let file;
    try {
      file = await open(walPath, 'r');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return;
      throw err;
    }
    try {
      await file.datasync();
    } finally {
      await file.close();
    }
  };
}
