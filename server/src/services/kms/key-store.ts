// SQL for KMS keys, their material versions and their tags. Every lookup of a key takes the scope first;
// both columns are in every key lookup. Material and tag rows hang off the key id (a UUID, unique across
// scopes) and are only reached through a key found in its scope.
import type { Executor } from '../../store/db.ts';
import type { KmsKeyMaterialTable, KmsKeyTable } from '../../store/schema.ts';

export interface Scope {
  accountId: string;
  region: string;
}

/** A usable key: its row and its current material (still sealed by the root key). */
export type KeyRow = KmsKeyTable & { material_sealed: Buffer };
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
/** The marker left in kms_keys once a key's material is destroyed: reads can then say what happened. */
export const DELETED = 'Deleted';

/**
 * How a transaction holds the key row it reads (PostgreSQL; SQLite transactions are serial): 'update' for a
 * change to the key, 'share' for a write that uses the key, so a concurrent state change waits for it.
 */
export type RowLock = boolean | 'share';

export async function findKeyById(db: Executor, scope: Scope, keyId: string, lock: RowLock = false): Promise<KeyRow | undefined> {
  let query = db
    .selectFrom('kms_keys as k')
    .innerJoin('kms_key_materials as m', (j) => j.onRef('m.key_id', '=', 'k.key_id').onRef('m.material_version', '=', 'k.material_version'))
    .selectAll('k')
    .select('m.material_sealed')
    .where('k.key_id', '=', keyId)
    .where('k.account_id', '=', scope.accountId)
    .where('k.region', '=', scope.region)
    .where('k.key_state', '!=', DELETED);
  if (lock === 'share') query = query.forShare();
  else if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** A key whose deletion window ended and whose material is gone. */
export async function findDeletedKey(db: Executor, scope: Scope, keyId: string): Promise<KmsKeyTable | undefined> {
  return db
    .selectFrom('kms_keys')
    .selectAll()
    .where('key_id', '=', keyId)
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('key_state', '=', DELETED)
    .executeTakeFirst();
}

export async function findMaterial(db: Executor, keyId: string, version: number): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('kms_key_materials')
    .select('material_sealed')
    .where('key_id', '=', keyId)
    .where('material_version', '=', version)
    .executeTakeFirst();
  return row?.material_sealed;
}

export async function listMaterials(db: Executor, keyId: string): Promise<Array<Omit<KmsKeyMaterialTable, 'material_sealed'>>> {
  return db
    .selectFrom('kms_key_materials')
    .select(['key_id', 'material_version', 'created_at', 'rotation_type'])
    .where('key_id', '=', keyId)
    .orderBy('material_version')
    .execute();
}

export async function insertKey(db: Executor, row: KeyRow): Promise<void> {
  const { material_sealed, ...key } = row;
  await db.insertInto('kms_keys').values(key).execute();
  await insertMaterial(db, { key_id: key.key_id, material_version: key.material_version, material_sealed, created_at: key.created_at, rotation_type: null });
}

export async function insertMaterial(db: Executor, row: KmsKeyMaterialTable): Promise<void> {
  await db.insertInto('kms_key_materials').values(row).execute();
}

export async function updateKey(db: Executor, keyId: string, patch: Partial<KmsKeyTable>): Promise<void> {
  await db.updateTable('kms_keys').set(patch).where('key_id', '=', keyId).execute();
}

/** Keys of a scope in key id order (ListKeys), deleted ones left out. */
export async function listKeys(db: Executor, scope: Scope, afterKeyId: string | undefined, limit: number) {
  let query = db
    .selectFrom('kms_keys')
    .select(['key_id', 'arn'])
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('key_state', '!=', DELETED)
    .orderBy('key_id')
    .limit(limit);
  if (afterKeyId !== undefined) query = query.where('key_id', '>', afterKeyId);
  return query.execute();
}

/** Enabled keys whose automatic rotation date has passed (disabled keys wait until they are enabled again). */
export async function keysDueForRotation(db: Executor, now: number, limit: number) {
  return db
    .selectFrom('kms_keys')
    .select(['key_id', 'account_id', 'region'])
    .where('key_state', '=', 'Enabled')
    .where('rotation_enabled', '=', 1)
    .where('next_rotation_at', '<=', now)
    .orderBy('next_rotation_at')
    .limit(limit)
    .execute();
}

export async function keysDueForDeletion(db: Executor, now: number, limit: number) {
  return db
    .selectFrom('kms_keys')
    .select(['key_id', 'account_id', 'region'])
    .where('key_state', '=', 'PendingDeletion')
    .where('deletion_date', '<=', now)
    .orderBy('deletion_date')
    .limit(limit)
    .execute();
}

/** Crypto-shredding: every material version, the tags, the aliases and the grants go; the row stays as a marker. */
export async function destroyKey(db: Executor, keyId: string): Promise<void> {
  await db.deleteFrom('kms_key_materials').where('key_id', '=', keyId).execute();
  await db.deleteFrom('kms_grants').where('key_id', '=', keyId).execute();
  await db.deleteFrom('kms_key_tags').where('key_id', '=', keyId).execute();
  await db.deleteFrom('kms_aliases').where('key_id', '=', keyId).execute();
  await db
    .updateTable('kms_keys')
    .set({ key_state: DELETED, rotation_enabled: 0, next_rotation_at: null })
    .where('key_id', '=', keyId)
    .execute();
}

export async function getTags(db: Executor, keyId: string, afterKey?: string, limit?: number) {
  let query = db.selectFrom('kms_key_tags').select(['tag_key', 'tag_value']).where('key_id', '=', keyId).orderBy('tag_key');
  if (afterKey !== undefined) query = query.where('tag_key', '>', afterKey);
  if (limit !== undefined) query = query.limit(limit);
  return query.execute();
}

export async function putTags(db: Executor, keyId: string, tags: Array<{ key: string; value: string }>): Promise<void> {
  for (const tag of tags) {
    await db.deleteFrom('kms_key_tags').where('key_id', '=', keyId).where('tag_key', '=', tag.key).execute();
    await db.insertInto('kms_key_tags').values({ key_id: keyId, tag_key: tag.key, tag_value: tag.value }).execute();
  }
}

export async function deleteTags(db: Executor, keyId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('kms_key_tags').where('key_id', '=', keyId).where('tag_key', 'in', keys).execute();
}

/** Every material version of every scope (root-key rotation re-wraps them all). */
export async function listAllMaterials(db: Executor) {
  return db.selectFrom('kms_key_materials').select(['key_id', 'material_version', 'material_sealed']).orderBy('key_id').orderBy('material_version').execute();
}

export async function resealMaterial(db: Executor, keyId: string, version: number, sealed: Buffer): Promise<void> {
  await db
    .updateTable('kms_key_materials')
    .set({ material_sealed: sealed })
    .where('key_id', '=', keyId)
    .where('material_version', '=', version)
    .execute();
}
