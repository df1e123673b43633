import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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

  it('hashes prev_hash \\n seq \\n event_id \\n event_time \\n record as UTF-8 (stored chains depend on these bytes)', () => {
    const row = { seq: 7, event_id: '019ac8a1-2b3c-7def-8123-456789abcdef', event_time: 1_764_295_200_123, record: '{"eventName":"GetSecretValue","note":"é ☃ 😀"}' };
    const expected = createHash('sha256').update(`${GENESIS}\n7\n${row.event_id}\n${row.event_time}\n${row.record}`, 'utf8').digest('hex');
    assert.equal(expected, 'd77ae2d40bc085d6d161ba8b172b09fbde769924c7b4c64673039d4f904da195');
    assert.equal(chainHash(GENESIS, row), expected);
  });

  it('catches a recomputed event whose successor still links to the original', () => {
    const rows = chain(3);
    const forged = { ...rows[1], record: rows[1].record.replace('}', ',"errorCode":"x"}') };
    forged.hash = chainHash(forged.prev_hash, forged);
    assert.equal(verifyRows([rows[0], forged, rows[2]], GENESIS).problem?.eventId, 'e3');
  });
});
