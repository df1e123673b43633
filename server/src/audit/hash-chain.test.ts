import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chainHash, GENESIS, verifyRows, type ChainedRow } from './hash-chain.ts';

const ACCOUNT = '111122223333';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/ana`;

/** Records as stored today (compact: the columns are not repeated) or before (the whole CloudTrail JSON). */
function chain(n: number, kind: 'compact' | 'older'): ChainedRow[] {
  const rows: ChainedRow[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const record =
      kind === 'compact'
        ? JSON.stringify({ v: 2, s: 'secretsmanager', k: 'AKIAANA', rq: { SecretId: `s${seq}` }, rid: `r${seq}`, ro: true })
        : JSON.stringify({ eventID: `e${seq}`, eventName: 'GetSecretValue', recipientAccountId: ACCOUNT });
    const row = { seq, event_id: `e${seq}`, event_time: 1_700_000_000_000 + seq, account_id: ACCOUNT, event_name: 'GetSecretValue', principal_arn: PRINCIPAL, resource_arn: `s${seq}`, record };
    const hash = chainHash(prev, row);
    rows.push({ ...row, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

for (const kind of ['compact', 'older'] as const) {
  describe(`audit hash chain (${kind} records)`, () => {
    it('accepts an intact chain and returns its head', () => {
      const rows = chain(5, kind);
      assert.deepEqual(verifyRows(rows, GENESIS), { head: rows[4].hash });
    });

    it('names an edited event', () => {
      const rows = chain(5, kind);
      rows[2] = { ...rows[2], record: rows[2].record.replace('e3', 'e9').replace('s3', 's9') };
      assert.equal(verifyRows(rows, GENESIS).problem?.eventId, 'e3');
    });

    it('names the event after a deleted one, and after a swap', () => {
      const rows = chain(5, kind);
      assert.equal(verifyRows([...rows.slice(0, 2), ...rows.slice(3)], GENESIS).problem?.eventId, 'e4');
      assert.equal(verifyRows([rows[0], rows[2], rows[1]], GENESIS).problem?.eventId, 'e3');
    });

    it('catches a recomputed event whose successor still links to the original', () => {
      const rows = chain(3, kind);
      const forged = { ...rows[1], record: rows[1].record.replace('}', ',"errorCode":"x"}') };
      forged.hash = chainHash(forged.prev_hash, forged);
      assert.equal(verifyRows([rows[0], forged, rows[2]], GENESIS).problem?.eventId, 'e3');
    });
  });
}

describe('audit hash chain: columns', () => {
  it('a trail begun with older records and continued with compact ones verifies, and an edit in either part is found', () => {
    const older = chain(2, 'older');
    const rest = chain(4, 'compact').slice(2).map((row) => ({ ...row }));
    let prev = older[1].hash;
    for (const row of rest) {
      row.prev_hash = prev;
      row.hash = prev = chainHash(prev, row);
    }
    const rows = [...older, ...rest];
    assert.deepEqual(verifyRows(rows, GENESIS), { head: rows[3].hash });
    assert.equal(verifyRows([rows[0], { ...rows[1], event_name: 'PutSecretValue' }, ...rows.slice(2)], GENESIS).problem?.eventId, 'e2');
    assert.equal(verifyRows([...rows.slice(0, 3), { ...rows[3], event_name: 'PutSecretValue' }], GENESIS).problem?.eventId, 'e4');
  });

  it('a compact record\'s hash covers every column the event is rebuilt from', () => {
    for (const column of ['account_id', 'event_name', 'principal_arn', 'resource_arn', 'event_time', 'event_id'] as const) {
      const rows = chain(3, 'compact');
      rows[1] = { ...rows[1], [column]: column === 'event_time' ? 1 : column === 'resource_arn' ? null : 'x' };
      assert.match(verifyRows(rows, GENESIS).problem?.problem ?? '', /hash does not match/, column);
    }
  });

  it('an older record is compared with its indexed columns, which its hash does not cover', () => {
    const rows = chain(3, 'older');
    rows[1] = { ...rows[1], account_id: '999999999999' };
    assert.match(verifyRows(rows, GENESIS).problem!.problem, /indexed columns/);
  });

  it('hashes an older record as prev_hash \\n seq \\n event_id \\n event_time \\n record, UTF-8 (stored chains depend on these bytes)', () => {
    const row = { seq: 7, event_id: '019ac8a1-2b3c-7def-8123-456789abcdef', event_time: 1_764_295_200_123, account_id: ACCOUNT, event_name: 'GetSecretValue', principal_arn: null, resource_arn: null, record: '{"eventName":"GetSecretValue","note":"é ☃ 😀"}' };
    const expected = createHash('sha256').update(`${GENESIS}\n7\n${row.event_id}\n${row.event_time}\n${row.record}`, 'utf8').digest('hex');
    assert.equal(expected, 'd77ae2d40bc085d6d161ba8b172b09fbde769924c7b4c64673039d4f904da195');
    assert.equal(chainHash(GENESIS, row), expected);
  });

  it('hashes a compact record with its columns as a JSON array before it', () => {
    const row = { seq: 7, event_id: '019ac8a1-2b3c-7def-8123-456789abcdef', event_time: 1_764_295_200_123, account_id: ACCOUNT, event_name: 'GetSecretValue', principal_arn: PRINCIPAL, resource_arn: null, record: '{"v":2,"s":"secretsmanager","ua":"é ☃ 😀","rid":"r","ro":true}' };
    const columns = `["${ACCOUNT}","GetSecretValue","${PRINCIPAL}",null]`;
    const expected = createHash('sha256').update(`${GENESIS}\n7\n${row.event_id}\n${row.event_time}\n${columns}\n${row.record}`, 'utf8').digest('hex');
    assert.equal(chainHash(GENESIS, row), expected);
    // a null column and the text "null" are not the same event
    assert.notEqual(chainHash(GENESIS, { ...row, resource_arn: 'null' }), expected);
  });
});
