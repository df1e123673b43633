// Indexes for ListSecrets' sort orders: a page reads the next rows of its scope in (sort value, seq) order from
// an index instead of sorting every secret of the scope for each page. `name` already has one (the scope's
// unique name). last-accessed-date sorts never-read secrets as 0, hence the expression. A name filter is a
// prefix (Store.startsWith): SQLite answers it from the unique name index, PostgreSQL needs one of its own.
import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await types.prefixIndex(db, 'secrets_name_prefix', 'secrets', ['account_id', 'region', 'name'], true);
  await db.schema.createIndex('secrets_created_order').on('secrets').columns(['account_id', 'region', 'created_at', 'seq']).execute();
  await db.schema.createIndex('secrets_changed_order').on('secrets').columns(['account_id', 'region', 'last_changed_at', 'seq']).execute();
  await sql`create index secrets_accessed_order on secrets (account_id, region, (coalesce(last_accessed_at, 0)), seq)`.execute(db);
}
