import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chainHash, GENESIS, verifyRows } from './hash-chain.ts';

function chain(n: number) {
  const rows = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const record = JSON.stringify({ eventID: `e${seq}`, eventName: 'GetSecretValue', recipientAccountId: '111122223333' });
    const row = { seq, event_id: `e${seq}`, event_time: 1_700_000_000_000 + seq, record, account_id: '111122223333', event_name: 'GetSecretValue' };
    const hash = chainHash(prev, row);
    rows.push({ ...row, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('accepts an intact chain and returns its head', () => {
    const rows = chain(5);
    assert.deepEqual(verifyRows(rows, GENESIS), { head: rows[4].hash });
  });

  it('names an edited event', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], record: rows[2].record.replace('GetSecretValue', 'PutSecretValue') };
    assert.equal(verifyRows(rows, GENESIS).problem?.eventId, 'e3');
  });

  it('names the event after a deleted one, and after a swap', () => {
    const rows = chain(5);
    assert.equal(verifyRows([...rows.slice(0, 2), ...rows.slice(3)], GENESIS).problem?.eventId, 'e4');
    assert.equal(verifyRows([rows[0], rows[2], rows[1]], GENESIS).problem?.eventId, 'e3');
  });

  it('catches an indexed column changed alone', () => {
    const rows = chain(3);
    rows[1] = { ...rows[1], account_id: '999999999999' };
    assert.match(verifyRows(rows, GENESIS).problem!.problem, /indexed columns/);
  });

  it('catches a recomputed event whose successor still links to the original', () => {
    const rows = chain(3);
    const forged = { ...rows[1], record: rows[1].record.replace('}', ',"errorCode":"x"}') };
    forged.hash = chainHash(forged.prev_hash, forged);
    assert.equal(verifyRows([rows[0], forged, rows[2]], GENESIS).problem?.eventId, 'e3');
  });
});
