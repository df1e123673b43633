// The audit trail's hash chain: each event stores the hash of the one before it, and its own hash covers
// that link and its contents, so deleting, reordering or editing an event breaks the chain at that event.
// SHA-256 over `prev_hash \n seq \n event_id \n event_time \n columns \n record`, where columns is the JSON
// array [account_id, event_name, principal_arn, resource_arn] (the record does not repeat them). Events
// stored before compact records (stored-event.ts) hash `prev_hash \n seq \n event_id \n event_time \n record`,
// their record holding the columns' values, which verification compares. Pure.
import { sha256Hex } from '../crypto/sha256.ts';
import { isCompact, type StoredEvent } from './stored-event.ts';

export const GENESIS = '0'.repeat(64);

export interface ChainedRow extends StoredEvent {
  seq: number;
  prev_hash: string;
  hash: string;
}

export function chainHash(prevHash: string, row: Omit<ChainedRow, 'prev_hash' | 'hash'>): string {
  const head = `${prevHash}\n${row.seq}\n${row.event_id}\n${row.event_time}\n`;
  if (!isCompact(row.record)) return sha256Hex(head + row.record);
  return sha256Hex(`${head}${JSON.stringify([row.account_id, row.event_name, row.principal_arn, row.resource_arn])}\n${row.record}`);
}

export interface ChainProblem {
  seq: number;
  eventId: string;
  problem: string;
}

/**
 * Checks rows in seq order, starting after `prevHash` (GENESIS for the first event). Returns the first
 * problem, or the hash of the last row checked. An older event's record must agree with its indexed columns
 * (its hash does not cover them), so an edit of a column alone is caught too.
 */
export function verifyRows(rows: Iterable<ChainedRow>, prevHash: string): { head: string; problem?: ChainProblem } {
  let head = prevHash;
  for (const row of rows) {
    const bad = (problem: string) => ({ head, problem: { seq: row.seq, eventId: row.event_id, problem } });
    if (row.prev_hash !== head) return bad(`its link to the previous event does not match: an event before it was deleted, inserted or edited`);
    if (chainHash(row.prev_hash, row) !== row.hash) return bad('its hash does not match its contents: the event was edited');
    // A compact record's hash covers the columns themselves.
    if (isCompact(row.record)) {
      head = row.hash;
      continue;
    }
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
