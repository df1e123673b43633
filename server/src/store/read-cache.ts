// The request path's one cache, between the services and the store. It holds two things:
// - rows that are ciphertext or not secret (a secret's row, labels and version rows with their sealed value,
//   KMS key rows, users' compiled policies), each under the change token it was read with. A request reads
//   the token once (view()) and trusts only rows cached under that token: every committed write to a table
//   moves it, on any process or server, so a write acknowledged to a client is seen by the next read.
// - unwrapped data keys, immutable for their wrapped blob, for a short time, bounded, and overwritten with
//   zeros when they go.
// It never holds an opened value: every read decrypts its value.

export interface ReadCacheOptions {
  /** The store's change token (Store.changeToken). */
  changeToken(): Promise<string>;
  /** rows kept at most; past it the oldest goes */
  maxRows?: number;
  /** how long an unwrapped data key is kept */
  dataKeyTtlMs?: number;
  maxDataKeys?: number;
  now?: () => number;
}

/** One request's view of the cache: the rows cached under the change token it read. */
export interface ReadView {
  /**
   * The value cached under `key` with this view's token, else `load()`'s, cached. `key`'s first part names
   * the kind of row, so one key always holds one type; the value must be ciphertext or not secret.
   */
  row<T>(key: readonly string[], load: () => Promise<T>): Promise<T>;
}

interface DataKeyEntry {
  /** the wrapped form it was unwrapped from: the entry serves that blob only */
  blob: Buffer;
  keyId: string;
  plaintext: Buffer;
  until: number;
}

const DEFAULT_MAX_ROWS = 50_000;
/** Short: a data key is a secret; unwrapping one again costs a few µs. */
const DEFAULT_DATA_KEY_TTL_MS = 2 * 60_000;
const DEFAULT_MAX_DATA_KEYS = 50_000;

export function createReadCache(options: ReadCacheOptions) {
  const { changeToken, now = Date.now } = options;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const ttlMs = options.dataKeyTtlMs ?? DEFAULT_DATA_KEY_TTL_MS;
  const maxDataKeys = options.maxDataKeys ?? DEFAULT_MAX_DATA_KEYS;
  const rows = new Map<string, { token: string; value: unknown }>();
  const dataKeys = new Map<string, DataKeyEntry>();
  /** lookups so far, for the metrics (plain counts: the request path pays an addition) */
  const stats = { rowHits: 0, rowMisses: 0, dataKeyHits: 0, dataKeyMisses: 0 };

  async function view(): Promise<ReadView> {
    const token = await changeToken();
    return {
      async row<T>(key: readonly string[], load: () => Promise<T>): Promise<T> {
        const id = key.join('\u0000');
        const hit = rows.get(id);
        if (hit && hit.token === token) {
          stats.rowHits += 1;
          return hit.value as T;
        }
        stats.rowMisses += 1;
        // Read after the token: if a write commits meanwhile, the row is newer than its token, never older.
        const value = await load();
        rows.delete(id);
        if (rows.size >= maxRows) rows.delete(rows.keys().next().value!);
        rows.set(id, { token, value });
        return value;
      },
    };
  }

  function wipe(id: string, entry: DataKeyEntry): void {
    entry.plaintext.fill(0);
    dataKeys.delete(id);
  }

  /** A copy of the data key kept for this context and wrapped blob (the caller wipes it), or undefined. */
  function dataKey(context: string, blob: Buffer): Buffer | undefined {
    const entry = dataKeys.get(context);
    if (entry && entry.blob.equals(blob)) {
      if (entry.until > now()) {
        stats.dataKeyHits += 1;
        return Buffer.from(entry.plaintext);
      }
      wipe(context, entry);
    }
    stats.dataKeyMisses += 1;
    return undefined;
  }

  /**
   * Keeps a copy of a data key of the KMS key `keyId`, unwrapped from `blob` (the caller may wipe its own).
   * One per context: a data key wrapped again under another KMS key replaces the entry of its old blob.
   */
  function keepDataKey(context: string, blob: Buffer, keyId: string, plaintext: Buffer): void {
    const old = dataKeys.get(context);
    if (old) wipe(context, old);
    if (dataKeys.size >= maxDataKeys) {
      const [oldestId, oldest] = dataKeys.entries().next().value!;
      wipe(oldestId, oldest);
    }
    dataKeys.set(context, { blob: Buffer.from(blob), keyId, plaintext: Buffer.from(plaintext), until: now() + ttlMs });
  }

  /** Wipes the data keys of one KMS key (it changed), or all of them. */
  function dropDataKeys(keyId?: string): void {
    for (const [id, entry] of dataKeys) if (keyId === undefined || entry.keyId === keyId) wipe(id, entry);
  }

  /** Wipes the data keys that expired (the server's periodic sweep calls it). */
  function sweepDataKeys(): void {
    const t = now();
    for (const [id, entry] of dataKeys) if (entry.until <= t) wipe(id, entry);
  }

  function clear(): void {
    rows.clear();
    dropDataKeys();
  }

  /** Everything held, for tests that check what the cache keeps (never logged or served). */
  function contents(): { rows: unknown[]; dataKeys: Buffer[] } {
    return { rows: [...rows.values()].map((r) => r.value), dataKeys: [...dataKeys.values()].map((e) => e.plaintext) };
  }

  return { view, dataKey, keepDataKey, dropDataKeys, sweepDataKeys, clear, contents, stats: () => ({ ...stats }) };
}

export type ReadCache = ReturnType<typeof createReadCache>;
