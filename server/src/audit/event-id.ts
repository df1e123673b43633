// Event ids in UUID version 7's layout (RFC 9562): a 48-bit millisecond timestamp, then a 12-bit counter, then
// 62 random bits. Still a UUID string, as CloudTrail's eventIDs are. Why not v4: when events were stored a row
// each, audit_events.event_id was UNIQUE, and random ids put each insert on a random page of that index (about
// one index page per event written to the WAL); ids that grow made it append-only. Ids in time order also sort
// a trail's events as they happened on each server.
// Ids from one generator are strictly increasing (the counter orders ids within a millisecond, and a clock
// that steps back is held at the last time seen). Pure apart from its clock and randomness.

/** Random bytes per refill of the pool: one call into the crypto library per 409 ids, not one per id. */
const POOL = 4096;
/** Random bytes per id: 2 for the counter's start, 8 for rand_b (62 bits used). */
const BYTES = 10;
/** ASCII codes of each byte's two hex digits. */
const HEX = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  HEX[2 * b] = '0123456789abcdef'.charCodeAt(b >>> 4);
  HEX[2 * b + 1] = '0123456789abcdef'.charCodeAt(b & 15);
}
/** 2^24: the timestamp is handled as two 24-bit halves (bit operators work on 32 bits). */
const HALF = 0x1000000;

export interface EventIdDeps {
  now: () => number;
  /** fills the buffer with cryptographically strong random bytes (node:crypto randomFillSync) */
  randomFill: (buffer: Uint8Array) => unknown;
}

export function createEventIds(deps: EventIdDeps): () => string {
  const { now, randomFill } = deps;
  const pool = new Uint8Array(POOL);
  let at = POOL;
  let last = -1;
  let counter = 0;
  // The id is written as ASCII into one buffer and read back as one string: a string built by concatenating
  // hex pairs is a rope of a dozen heap objects, which costs more to keep in the queue (the GC copies every
  // one) than to build.
  const text = Buffer.alloc(36, '-');
  const put = (offset: number, byte: number) => {
    text[offset] = HEX[2 * byte];
    text[offset + 1] = HEX[2 * byte + 1];
  };

  return function eventId(): string {
    if (at + BYTES > POOL) {
      randomFill(pool);
      at = 0;
    }
    let time = now();
    if (time > last) {
      // A random start (top bit clear) leaves room for 2048 more ids in the same millisecond.
      counter = ((pool[at] << 8) | pool[at + 1]) & 0x7ff;
    } else if (++counter > 0xfff) {
      // More than the counter holds in one millisecond (or a clock held back): borrow the next millisecond.
      time = last + 1;
      counter = ((pool[at] << 8) | pool[at + 1]) & 0x7ff;
    } else {
      time = last;
    }
    last = time;
    const high = Math.floor(time / HALF);
    const low = time % HALF;
    put(0, (high >>> 16) & 0xff);
    put(2, (high >>> 8) & 0xff);
    put(4, high & 0xff);
    put(6, (low >>> 16) & 0xff);
    put(9, (low >>> 8) & 0xff);
    put(11, low & 0xff);
    put(14, 0x70 | (counter >>> 8));
    put(16, counter & 0xff);
    put(19, 0x80 | (pool[at + 2] & 0x3f));
    put(21, pool[at + 3]);
    for (let i = 0; i < 6; i++) put(24 + 2 * i, pool[at + 4 + i]);
    at += BYTES;
    return text.toString('latin1');
  };
}
