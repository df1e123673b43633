// The data keys this process has unwrapped, by context and wrapped blob, each with the value it opened
// (a secret version's), so that reading the same version again runs neither KMS nor the cipher. The
// opened value is bound to the data key that sealed it: it is used only for the same sealed bytes, and
// lives and dies with the key's entry. Entries expire after `ttlMs` (a read no longer finds them); they are
// wiped (overwritten with zeros) by the server's periodic sweep, a KMS key's entries when the key changes
// (drop), and everything when the cache is full. Opened values are kept up to `openedBudget` bytes in all.
// Checking the KMS key's state on each use is the key service's job: this only remembers.

export interface DataKeyCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** bytes of opened values kept in all; past it, values are opened each time */
  openedBudget: number;
  now?: () => number;
}

export interface DataKeyEntry {
  keyId: string;
  plaintext: Buffer;
  until: number;
  /** the sealed bytes and what they opened to */
  opened?: { sealed: Buffer; value: Buffer };
}

export function createDataKeyCache({ ttlMs, maxEntries, openedBudget, now = Date.now }: DataKeyCacheOptions) {
  const entries = new Map<string, DataKeyEntry>();
  let openedBytes = 0;

  // The cache key of a blob object the read cache holds is built once (base64 of a wrapped key costs more
  // than the lookup); a blob read afresh from the database (PostgreSQL) gets its key built each time.
  const cacheKeys = new WeakMap<Buffer, { context: string; key: string }>();
  function cacheKey(context: string, blob: Buffer): string {
    const known = cacheKeys.get(blob);
    if (known && known.context === context) return known.key;
    const key = `${context}\n${blob.toString('base64')}`;
    cacheKeys.set(blob, { context, key });
    return key;
  }

  function wipe(key: string, entry: DataKeyEntry): void {
    entry.plaintext.fill(0);
    if (entry.opened) {
      entry.opened.value.fill(0);
      openedBytes -= entry.opened.value.length;
      entry.opened = undefined;
    }
    entries.delete(key);
  }

  /** Wipes the entries that expired (the server's periodic sweep calls it). */
  function sweep(): void {
    const t = now();
    for (const [key, entry] of entries) if (entry.until <= t) wipe(key, entry);
  }

  /** The live entry for a wrapped data key, or undefined. */
  function get(context: string, blob: Buffer): DataKeyEntry | undefined {
    const entry = entries.get(cacheKey(context, blob));
    return entry && entry.until > now() ? entry : undefined;
  }

  /** Remembers an unwrapped data key (a copy of it: the caller may wipe its own). */
  function set(context: string, blob: Buffer, keyId: string, plaintext: Buffer, since: number): void {
    const key = cacheKey(context, blob);
    const old = entries.get(key);
    if (old) wipe(key, old);
    if (entries.size >= maxEntries) drop();
    entries.set(key, { keyId, plaintext: Buffer.from(plaintext), until: since + ttlMs });
  }

  /**
   * What `sealed` opens to under the entry's key, as `read` makes of it: the value kept from an earlier open of
   * the same bytes, else `open(key)` (a copy of the key, wiped after), kept while the budget allows. `read` runs
   * at once and must copy what it keeps (the bytes it gets are wiped later: the kept value when its entry goes,
   * a fresh one right after).
   */
  function opened<T>(entry: DataKeyEntry, sealed: Buffer, open: (dataKey: Buffer) => Buffer, read: (value: Buffer) => T): T {
    const kept = entry.opened;
    if (kept && kept.sealed === sealed) return read(kept.value);
    if (kept && kept.sealed.equals(sealed)) {
      // The same bytes in another Buffer (the row was read again): compare by identity from now on.
      kept.sealed = sealed;
      return read(kept.value);
    }
    const dataKey = Buffer.from(entry.plaintext);
    let value: Buffer;
    try {
      value = open(dataKey);
    } finally {
      dataKey.fill(0);
    }
    try {
      if (!kept && openedBytes + value.length <= openedBudget) {
        entry.opened = { sealed, value: Buffer.from(value) };
        openedBytes += value.length;
      }
      return read(value);
    } finally {
      value.fill(0);
    }
  }

  /** Wipes the entries of one KMS key, or all. */
  function drop(keyId?: string): void {
    for (const [key, entry] of entries) if (keyId === undefined || entry.keyId === keyId) wipe(key, entry);
  }

  return { get, set, opened, drop, sweep, stats: () => ({ entries: entries.size, openedBytes }) };
}
