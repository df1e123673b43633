// A batch of audit events stored as one row of audit_segments, in the form a worker packs it for the primary
// (packed-batch.ts): the events' text fields one after another as UTF-8, their lengths and times in a binary
// layout, and each event's chain hash. A row per event cost the writer three B-tree inserts, a parameter binding
// per column and an object per event; a row per batch is one insert of a few long values (the primary's CPU per
// event fell from about 5 to under 3 µs in `npm run bench:audit`).
//
// The chain is still per event, so verification names the first bad event: event i (seq first_seq + i) has
// hash = SHA-256(prev \n seq \n time \n lengths \n fields), `prev` the hash of the event before it (the row's
// prev_hash for the first), `lengths` its six field lengths joined by commas (-1 for a missing ARN), `fields`
// its fields as stored, one after another. Pure.
import { endianness } from 'node:os';
import { sha256Hex } from '../crypto/sha256.ts';
import type { AuditSegmentTable } from '../store/schema.ts';
import type { ChainProblem } from './hash-chain.ts';
import { FIELDS, NULL_LENGTH, unpackBatch, type PackedBatch } from './packed-batch.ts';
import type { AuditRow } from './audit-store.ts';

/** Each event's hash in `hashes`: hex. */
const HASH_CHARS = 64;
const LITTLE_ENDIAN = endianness() === 'LE';
/** Bytes of layout per event: FIELDS int32 lengths, then (after every event's lengths) one float64 time. */
const LAYOUT_BYTES = FIELDS * 4 + 8;

function eventHash(prev: string, seq: number, time: number, lengths: ArrayLike<number>, at: number, fields: string): string {
  const l = lengths;
  return sha256Hex(`${prev}\n${seq}\n${time}\n${l[at]},${l[at + 1]},${l[at + 2]},${l[at + 3]},${l[at + 4]},${l[at + 5]}\n${fields}`);
}

/** Characters of text an event's fields take (a missing ARN takes none). */
function span(lengths: ArrayLike<number>, at: number): number {
  let size = 0;
  for (let f = at; f < at + FIELDS; f++) if (lengths[f] !== NULL_LENGTH) size += lengths[f];
  return size;
}

/** An event's id: the first of its fields, which start `fields`. */
function idOf(fields: string, lengths: ArrayLike<number>, at: number): string {
  return fields.slice(0, Math.max(0, lengths[at]));
}

/** The earliest and latest of the times (events are queued in order, but a clock can step back). */
function timeRange(times: Float64Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const time of times) {
    if (time < min) min = time;
    if (time > max) max = time;
  }
  return [min, max];
}

/** The row for a packed batch whose first event takes seq `firstSeq` and links to `prevHash`. */
export function buildSegment(packed: PackedBatch, firstSeq: number, prevHash: string): AuditSegmentTable {
  const { texts, counts, lengths, times } = packed;
  const count = times.length;
  let hashes = '';
  let prev = prevHash;
  let i = 0;
  // Each of the batch's texts holds whole events: hashed from slices of it, then written once as UTF-8. A
  // joined string of the whole batch (hundreds of KiB) would be allocated in V8's old space, for its
  // collector to mark, and converted to UTF-8 anyway to be stored.
  for (let t = 0; t < texts.length; t++) {
    const text = texts[t];
    let at = 0;
    for (const end = i + counts[t]; i < end; i++) {
      const l = i * FIELDS;
      const size = span(lengths, l);
      prev = eventHash(prev, firstSeq + i, times[i], lengths, l, text.slice(at, at + size));
      hashes += prev;
      at += size;
    }
  }
  const [minTime, maxTime] = timeRange(times);
  return { first_seq: firstSeq, event_count: count, min_time: minTime, max_time: maxTime, prev_hash: prevHash, hash: prev, layout: writeLayout(lengths, times), hashes, texts: utf8(texts) };
}

function utf8(texts: string[]): Buffer {
  let size = 0;
  for (const text of texts) size += Buffer.byteLength(text, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const text of texts) at += bytes.write(text, at, 'utf8');
  return bytes;
}

function writeLayout(lengths: Int32Array, times: Float64Array): Buffer {
  const layout = Buffer.allocUnsafe(lengths.length * 4 + times.length * 8);
  if (LITTLE_ENDIAN) {
    // The arrays' own bytes are the layout's: two copies instead of a write per value.
    Buffer.from(lengths.buffer, lengths.byteOffset, lengths.byteLength).copy(layout, 0);
    Buffer.from(times.buffer, times.byteOffset, times.byteLength).copy(layout, lengths.byteLength);
    return layout;
  }
  for (let i = 0; i < lengths.length; i++) layout.writeInt32LE(lengths[i], i * 4);
  for (let i = 0; i < times.length; i++) layout.writeDoubleLE(times[i], lengths.length * 4 + i * 8);
  return layout;
}

/**
 * The layout's lengths and times, and the characters of text they add up to; undefined when its size does not
 * fit the row's event count (whether they fit the text is the caller's question).
 */
function readLayout(row: AuditSegmentTable): { lengths: Int32Array; times: Float64Array; total: number } | undefined {
  const count = row.event_count;
  if (!(count > 0) || row.layout.length !== count * LAYOUT_BYTES || row.hashes.length !== count * HASH_CHARS) return undefined;
  const lengths = new Int32Array(count * FIELDS);
  const times = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < lengths.length; i++) {
    const length = row.layout.readInt32LE(i * 4);
    if (length < NULL_LENGTH) return undefined;
    lengths[i] = length;
    if (length !== NULL_LENGTH) total += length;
  }
  for (let i = 0; i < count; i++) times[i] = row.layout.readDoubleLE(count * FIELDS * 4 + i * 8);
  return { lengths, times, total };
}

/** The segment's events as rows (seq, columns, record, links), in order; none when its layout is damaged. */
export function segmentEvents(row: AuditSegmentTable): AuditRow[] {
  const layout = readLayout(row);
  const text = row.texts.toString('utf8');
  if (!layout || layout.total !== text.length) return [];
  const events = unpackBatch({ texts: [text], counts: [row.event_count], lengths: layout.lengths, times: layout.times });
  let prev = row.prev_hash;
  return events.map((e, i) => {
    const hash = row.hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS);
    const event: AuditRow = {
      seq: row.first_seq + i,
      event_id: e.eventId,
      event_time: e.time,
      account_id: e.accountId,
      event_name: e.eventName,
      principal_arn: e.principalArn,
      resource_arn: e.resourceArn,
      record: e.record,
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return event;
  });
}

/**
 * Checks a segment that should follow `head` (the hash of the event before it): its link, each event's hash,
 * and its head column. Returns the hash of its last event, or the first problem, named by seq and event id.
 */
export function verifySegment(row: AuditSegmentTable, head: string): { head: string; problem?: ChainProblem } {
  const layout = readLayout(row);
  const text = row.texts.toString('utf8');
  // A layout too damaged to read names the first event by the id a batch's text starts with.
  const firstId = layout ? idOf(text, layout.lengths, 0) : text.slice(0, 36);
  const bad = (seq: number, eventId: string, problem: string) => ({ head, problem: { seq, eventId, problem } });
  const last = row.first_seq + row.event_count - 1;
  if (row.prev_hash !== head) return bad(row.first_seq, firstId, 'its link to the previous event does not match: an event before it was deleted, inserted or edited');
  if (!layout) return bad(row.first_seq, firstId, "its batch's layout does not match its text: the batch was edited");
  const { lengths, times } = layout;
  let prev = head;
  let at = 0;
  let fields = '';
  for (let i = 0; i < row.event_count; i++) {
    const l = i * FIELDS;
    const size = span(lengths, l);
    fields = text.slice(at, at + size);
    prev = eventHash(prev, row.first_seq + i, times[i], lengths, l, fields);
    if (prev !== row.hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS)) {
      return bad(row.first_seq + i, idOf(fields, lengths, l), 'its hash does not match its contents: the event was edited');
    }
    at += size;
  }
  const lastId = idOf(fields, lengths, (row.event_count - 1) * FIELDS);
  if (at !== text.length) return bad(last, lastId, "its batch's layout does not match its text: the batch was edited");
  const [minTime, maxTime] = timeRange(times);
  // Lookups skip batches by these two columns: an edit of them would hide events from a time-filtered lookup.
  if (row.min_time !== minTime || row.max_time !== maxTime) return bad(row.first_seq, firstId, "its batch's time range does not match its events: the batch was edited");
  if (row.hash !== prev) return bad(last, lastId, "its batch's head hash does not match it: the batch was edited");
  return { head: prev };
}
