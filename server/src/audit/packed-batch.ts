// A batch of events in the form a worker sends it to the primary (cluster-writer.ts): the text fields of all
// its events joined into a few long strings, with each field's length, instead of an object per event. V8's
// serialiser writes every object's member names again and the receiving side creates each object and string
// anew, which cost more than the values themselves; a long string crosses as one copy, and the primary cuts
// it into slices that share its memory. Pure.
import type { PendingEvent } from './audit-trail.ts';

export interface PackedBatch {
  /** the events' text fields in order (eventId, accountId, eventName, principalArn, resourceArn, record), joined */
  texts: string[];
  /** how many events each of `texts` holds (an event is never split between two) */
  counts: number[];
  /** each text field's length, FIELDS per event; -1 for a null ARN */
  lengths: Int32Array;
  times: Float64Array;
}

/** Text fields per event; a missing ARN's length is NULL_LENGTH. */
export const FIELDS = 6;
export const NULL_LENGTH = -1;
/**
 * Characters per text before the next one starts: long strings cost little per event, but one past 128 KiB
 * (V8's largest object outside its large-object space; 64 Ki characters of two-byte text) gets fresh pages of
 * its own on both sides, mapped and faulted in for each batch.
 */
const TEXT_CHARS = 32 * 1024;

export function packBatch(batch: PendingEvent[]): PackedBatch {
  const texts: string[] = [];
  const counts: number[] = [];
  const lengths = new Int32Array(batch.length * FIELDS);
  const times = new Float64Array(batch.length);
  // Joined with +=: V8 links the pieces without copying, and the serialiser copies them once.
  let text = '';
  let count = 0;
  let l = 0;
  const add = (value: string | null) => {
    if (value === null) {
      lengths[l++] = NULL_LENGTH;
    } else {
      lengths[l++] = value.length;
      text += value;
    }
  };
  for (let i = 0; i < batch.length; i++) {
    const event = batch[i];
    if (text.length >= TEXT_CHARS) {
      texts.push(text);
      counts.push(count);
      text = '';
      count = 0;
    }
    times[i] = event.time;
    add(event.eventId);
    add(event.accountId);
    add(event.eventName);
    add(event.principalArn);
    add(event.resourceArn);
    add(event.record);
    count++;
  }
  if (count > 0) {
    texts.push(text);
    counts.push(count);
  }
  return { texts, counts, lengths, times };
}

export function unpackBatch(packed: PackedBatch): PendingEvent[] {
  const { texts, counts, lengths, times } = packed;
  const batch = new Array<PendingEvent>(times.length);
  let i = 0;
  let l = 0;
  for (let t = 0; t < texts.length; t++) {
    const text = texts[t];
    let at = 0;
    const take = (): string | null => {
      const length = lengths[l++];
      if (length === NULL_LENGTH) return null;
      at += length;
      return text.slice(at - length, at);
    };
    for (let end = i + counts[t]; i < end; i++) {
      // Members in the order they were packed (take() reads the next field).
      batch[i] = {
        eventId: take()!,
        time: times[i],
        accountId: take()!,
        eventName: take()!,
        principalArn: take(),
        resourceArn: take(),
        record: take()!,
      };
    }
  }
  return batch;
}
