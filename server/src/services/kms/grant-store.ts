// SQL for KMS grants. A grant hangs off its key (key_id, unique across scopes, reached through a key found
// in its scope); ListRetirableGrants reads by scope and retiring principal. Listings run in grant id order.
import type { Executor } from '../../store/db.ts';
import type { KmsGrantTable } from '../../store/schema.ts';
import type { Scope } from './key-store.ts';

export type GrantRow = KmsGrantTable;

export async function insertGrant(db: Executor, row: GrantRow): Promise<void> {
  await db.insertInto('kms_grants').values(row).execute();
}

export async function findGrant(db: Executor, keyId: string, grantId: string): Promise<GrantRow | undefined> {
  return db.selectFrom('kms_grants').selectAll().where('key_id', '=', keyId).where('grant_id', '=', grantId).executeTakeFirst();
}

/** The key's grants with this name (CreateGrant's Name makes a retry return the grant it made). */
export async function grantsNamed(db: Executor, keyId: string, name: string): Promise<GrantRow[]> {
  return db.selectFrom('kms_grants').selectAll().where('key_id', '=', keyId).where('name', '=', name).execute();
}

/** The key's grants to one grantee (what authorization consults when the policies do not allow a call). */
export async function grantsTo(db: Executor, keyId: string, grantee: string): Promise<GrantRow[]> {
  return db.selectFrom('kms_grants').selectAll().where('key_id', '=', keyId).where('grantee_principal', '=', grantee).execute();
}

export async function countGrants(db: Executor, keyId: string): Promise<number> {
  const row = await db.selectFrom('kms_grants').select((eb) => eb.fn.countAll<string | number>().as('n')).where('key_id', '=', keyId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface GrantFilter {
  grantId?: string;
  grantee?: string;
}

export async function listGrants(db: Executor, keyId: string, filter: GrantFilter, afterGrantId: string | undefined, limit: number): Promise<GrantRow[]> {
  let query = db.selectFrom('kms_grants').selectAll().where('key_id', '=', keyId).orderBy('grant_id').limit(limit);
  if (filter.grantId !== undefined) query = query.where('grant_id', '=', filter.grantId);
  if (filter.grantee !== undefined) query = query.where('grantee_principal', '=', filter.grantee);
  if (afterGrantId !== undefined) query = query.where('grant_id', '>', afterGrantId);
  return query.execute();
}

export async function listRetirableGrants(db: Executor, scope: Scope, retiring: string, afterGrantId: string | undefined, limit: number): Promise<GrantRow[]> {
  let query = db
    .selectFrom('kms_grants')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('retiring_principal', '=', retiring)
    .orderBy('grant_id')
    .limit(limit);
  if (afterGrantId !== undefined) query = query.where('grant_id', '>', afterGrantId);
  return query.execute();
}

export async function deleteGrant(db: Executor, keyId: string, grantId: string): Promise<boolean> {
  const result = await db.deleteFrom('kms_grants').where('key_id', '=', keyId).where('grant_id', '=', grantId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
