// Store contract, change token: the read cache trusts a row only while the token it was read under stays
// the same, so the token must move with every committed write to a table a cache may hold, by this
// connection or another (another worker process, another server), and stay put for rolled-back writes and
// for the tables written all the time (the audit trail, leases).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store/db.ts';
import { UNTRACKED_TABLES } from '../../src/store/migrations/006-change-generation.ts';
import { DIALECTS, type StoreTarget } from './dialects.ts';

function auditSegment(firstSeq: number) {
  return { first_seq: firstSeq, event_count: 1, min_time: 1, max_time: 1, prev_hash: 'p', hash: 'h', layout: Buffer.alloc(32), hashes: 'h', texts: Buffer.alloc(0) };
}

const account = (id: string) => ({ account_id: id, created_at: 1 });

for (const dialect of DIALECTS) {
  describe(`store contract: change token (${dialect.name})`, { skip: dialect.skip }, () => {
    let target: StoreTarget;
    let reader: Store;
    let writer: Store;
    before(async () => {
      target = await dialect.create();
      reader = await openStore(target.location);
      writer = await openStore(target.location);
    });
    after(async () => {
      await reader?.close();
      await writer?.close();
      await target?.dispose();
    });

    test("another connection's writes to tracked tables move the token, in a transaction or not; audit appends, leases and rollbacks do not", async () => {
      const start = await reader.changeToken();
      await writer.db.transaction().execute((tx) => tx.insertInto('audit_segments').values([auditSegment(1), auditSegment(2)]).execute());
      await writer.db.insertInto('leases').values({ name: 'scheduler', holder: 'a', expires_at: 1 }).execute();
      assert.equal(await reader.changeToken(), start, 'audit appends and leases must not empty the read caches');

      await writer.db.insertInto('accounts').values(account('111122223333')).execute();
      const afterAutocommit = await reader.changeToken();
      assert.notEqual(afterAutocommit, start, 'a single-statement write must move the token');

      await writer.db.transaction().execute((tx) => tx.updateTable('accounts').set({ created_at: 2 }).execute());
      const afterTransaction = await reader.changeToken();
      assert.notEqual(afterTransaction, afterAutocommit, 'a transaction writing a tracked table must move the token');

      await writer.db
        .transaction()
        .execute(async (tx) => {
          await tx.updateTable('accounts').set({ created_at: 3 }).execute();
          throw new Error('roll back');
        })
        .catch(() => {});
      assert.equal(await reader.changeToken(), afterTransaction, 'a rolled-back write changes nothing');

      await writer.db.deleteFrom('accounts').execute();
      assert.notEqual(await reader.changeToken(), afterTransaction, 'a delete moves the token');
    });

    test("this connection's own writes move its token at once", async () => {
      const before = await writer.changeToken();
      await writer.db.insertInto('accounts').values(account('444455556666')).execute();
      assert.notEqual(await writer.changeToken(), before);
    });

    test("a token read while this connection's transaction is open is the committed one, never its uncommitted write", async () => {
      const before = await writer.changeToken();
      let readDuring: Promise<string> | undefined;
      await writer.db
        .transaction()
        .execute(async (tx) => {
          await tx.insertInto('accounts').values(account('777788889999')).execute();
          readDuring = writer.changeToken();
          throw new Error('roll back');
        })
        .catch(() => {});
      assert.equal(await readDuring, before);
    });

    test('every table but the untracked ones moves the token (a new table cannot be forgotten)', async () => {
      const tables = (await target.tables()).filter((t) => !UNTRACKED_TABLES.includes(t));
      const rows =
        target.dialect === 'sqlite'
          ? await target.query<{ table: string }>(`select distinct tbl_name as "table" from sqlite_master where type = 'trigger'`)
          : await target.query<{ table: string }>(`select distinct event_object_table as "table" from information_schema.triggers`);
      assert.ok(tables.length >= 10, tables.join());
      assert.deepEqual(rows.map((r) => r.table).sort(), tables.sort());
    });
  });
}
