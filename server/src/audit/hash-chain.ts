// The audit trail's hash chain: each event stores the hash of the one before it, and its own hash covers
// that link and its record, so deleting, reordering or editing an event breaks the chain at that event.
// SHA-256 over `prev_hash \n seq \n event_id \n event_time \n record`. Pure.
import * as crypto from 'node:crypto';

export const GENESIS = '0'.repeat(64);

export interface ChainedRow {
  seq: number;
  event_id: string;
  event_time: number;
  record: string;
  prev_hash: string;
  hash: string;
}

/** crypto.hash (Node 20.12+): one call, no Hash object; about half the cost of createHash for one event. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

export function chainHash(prevHash: string, row: Pick<ChainedRow, 'seq' | 'event_id' | 'event_time' | 'record'>): string {
  return sha256Hex(`${prevHash}\n${row.seq}\n${row.event_id}\n${row.event_time}\n${row.record}`);
}

export interface ChainProblem {
  seq: number;
  eventId: string;
  problem: string;
}

/**
 * Checks rows in seq order, starting after `prevHash` (GENESIS for the first event). Returns the first
 * problem, or the hash of the last row checked. The record's own fields must agree with the indexed
 * columns, so an edit of a column alone is caught too.
 */
export function verifyRows(rows: Iterable<ChainedRow & { account_id: string; event_name: string }>, prevHash: string): { head: string; problem?: ChainProblem } {
  let head = prevHash;
  for (const row of rows) {
    const bad = (problem: string) => ({ head, problem: { seq: row.seq, eventId: row.event_id, problem } });
    if (row.prev_hash !== head) return bad(`its link to the previous event does not match: an event before it was deleted, inserted or edited`);
    if (chainHash(row.prev_hash, row) !== row.hash) return bad('its hash does not match its contents: the event was edited');
    let record: { eventID?: string; eventName?: string; recipientAccountId?: string };
    try {
      record = JSON.parse(row.record) as typeof record;
    } catch {
      return bad('its record is not valid JSON');
    }
    if (record.eventID !== row.event_id || record.eventName !== row.event_name || record.recipientAccountId !== row.account_id) {
      return bad('its indexed columns do not match its record');
    }
    head = row.hash;
  }
  return { head };
}
