// SQL for secrets, versions, staging labels and tags. No rules live here: the service decides, this file
// reads and writes rows. Every lookup of a secret carries the scope (account and region).
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../store/db.ts';
import type { SecretTable, SecretVersionTable } from '../../store/schema.ts';
import type { PrefixFilter } from './list-filters.ts';

export interface Scope {
  accountId: string;
  region: string;
}

export type SecretRow = Omit<SecretTable, 'seq'> & { seq: number };
export type NewSecretRow = Omit<SecretTable, 'seq'>;
export type VersionRow = SecretVersionTable;
export type VersionMeta = Omit<VersionRow, 'wrapped_key' | 'ciphertext'>;
export interface Tag {
  Key: string;
  Value: string;
}

export async function findSecretByArn(db: Executor, scope: Scope, arn: string, forUpdate = false): Promise<SecretRow | undefined> {
  let q = db
    .selectFrom('secrets')
    .selectAll()
    .where('arn', '=', arn)
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findSecretByName(db: Executor, scope: Scope, name: string, forUpdate = false): Promise<SecretRow | undefined> {
  let q = db
    .selectFrom('secrets')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .where('name', '=', name);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findSecretById(db: Executor, id: string, forUpdate = false): Promise<SecretRow | undefined> {
  let q = db.selectFrom('secrets').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function insertSecret(db: Executor, row: NewSecretRow): Promise<void> {
  await db.insertInto('secrets').values(row).execute();
}

export async function updateSecret(db: Executor, id: string, patch: Partial<NewSecretRow>): Promise<void> {
  await db.updateTable('secrets').set(patch).where('id', '=', id).execute();
}

export async function deleteSecret(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('secret_replicas').where('primary_id', '=', id).execute();
  await db.deleteFrom('secret_replicas').where('replica_id', '=', id).execute();
  await db.deleteFrom('secret_version_stages').where('secret_id', '=', id).execute();
  await db.deleteFrom('secret_tags').where('secret_id', '=', id).execute();
  await db.deleteFrom('secret_versions').where('secret_id', '=', id).execute();
  await db.deleteFrom('secrets').where('id', '=', id).execute();
}

const versionMetaColumns = ['secret_id', 'version_id', 'created_at', 'last_accessed_at', 'kms_key_id', 'value_kind'] as const;

export async function listVersions(db: Executor, secretId: string): Promise<VersionMeta[]> {
  return db
    .selectFrom('secret_versions')
    .select(versionMetaColumns)
    .where('secret_id', '=', secretId)
    .orderBy('created_at', 'desc')
    .orderBy('version_id')
    .execute();
}

export async function findVersion(db: Executor, secretId: string, versionId: string): Promise<VersionRow | undefined> {
  return db
    .selectFrom('secret_versions')
    .selectAll()
    .where('secret_id', '=', secretId)
    .where('version_id', '=', versionId)
    .executeTakeFirst();
}

export async function findVersionByStage(db: Executor, secretId: string, stage: string): Promise<VersionRow | undefined> {
  return db
    .selectFrom('secret_version_stages as s')
    .innerJoin('secret_versions as v', (j) => j.onRef('v.secret_id', '=', 's.secret_id').onRef('v.version_id', '=', 's.version_id'))
    .selectAll('v')
    .where('s.secret_id', '=', secretId)
    .where('s.stage', '=', stage)
    .executeTakeFirst();
}

export async function insertVersion(db: Executor, row: VersionRow): Promise<void> {
  await db.insertInto('secret_versions').values(row).execute();
}

export async function updateVersion(db: Executor, secretId: string, versionId: string, patch: Partial<VersionRow>): Promise<void> {
  await db.updateTable('secret_versions').set(patch).where('secret_id', '=', secretId).where('version_id', '=', versionId).execute();
}

export async function deleteVersions(db: Executor, secretId: string, versionIds: string[]): Promise<void> {
  if (versionIds.length === 0) return;
  await db.deleteFrom('secret_versions').where('secret_id', '=', secretId).where('version_id', 'in', versionIds).execute();
}

/** stage -> versionId */
export async function getStages(db: Executor, secretId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('secret_version_stages')
    .select(['stage', 'version_id'])
    .where('secret_id', '=', secretId)
    .orderBy('stage')
    .execute();
  return new Map(rows.map((r) => [r.stage, r.version_id]));
}

export async function getStagesOfMany(db: Executor, secretIds: string[]): Promise<Map<string, Map<string, string>>> {
  const result = new Map<string, Map<string, string>>(secretIds.map((id) => [id, new Map()]));
  if (secretIds.length === 0) return result;
  const rows = await db
    .selectFrom('secret_version_stages')
    .select(['secret_id', 'stage', 'version_id'])
    .where('secret_id', 'in', secretIds)
    .orderBy('stage')
    .execute();
  for (const r of rows) result.get(r.secret_id)!.set(r.stage, r.version_id);
  return result;
}

/** Writes the secret's whole label map, replacing what was there. */
export async function replaceStages(db: Executor, secretId: string, stages: Map<string, string>): Promise<void> {
  await db.deleteFrom('secret_version_stages').where('secret_id', '=', secretId).execute();
  if (stages.size === 0) return;
  await db
    .insertInto('secret_version_stages')
    .values([...stages].map(([stage, versionId]) => ({ secret_id: secretId, stage, version_id: versionId })))
    .execute();
}

export async function getTags(db: Executor, secretId: string): Promise<Tag[]> {
  const rows = await db
    .selectFrom('secret_tags')
    .select(['tag_key', 'tag_value'])
    .where('secret_id', '=', secretId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ Key: r.tag_key, Value: r.tag_value }));
}

export async function getTagsOfMany(db: Executor, secretIds: string[]): Promise<Map<string, Tag[]>> {
  const result = new Map<string, Tag[]>(secretIds.map((id) => [id, []]));
  if (secretIds.length === 0) return result;
  const rows = await db
    .selectFrom('secret_tags')
    .select(['secret_id', 'tag_key', 'tag_value'])
    .where('secret_id', 'in', secretIds)
    .orderBy('position')
    .execute();
  for (const r of rows) result.get(r.secret_id)!.push({ Key: r.tag_key, Value: r.tag_value });
  return result;
}

export async function replaceTags(db: Executor, secretId: string, tags: Tag[]): Promise<void> {
  await db.deleteFrom('secret_tags').where('secret_id', '=', secretId).execute();
  if (tags.length === 0) return;
  await db
    .insertInto('secret_tags')
    .values(tags.map((t, i) => ({ secret_id: secretId, tag_key: t.Key, tag_value: t.Value, position: i })))
    .execute();
}

export type SortBy = 'created-date' | 'last-accessed-date' | 'last-changed-date' | 'name';
const sortColumns: Record<SortBy, RawBuilder<string | number>> = {
  'created-date': sql`created_at`,
  'last-accessed-date': sql`coalesce(last_accessed_at, 0)`,
  'last-changed-date': sql`last_changed_at`,
  name: sql`name`,
};

export interface PageQuery {
  includeDeleted: boolean;
  sortBy: SortBy;
  descending: boolean;
  /** keyset cursor: the sort value and seq of the last row already returned */
  after?: { value: string | number; seq: number };
  limit: number;
  /** filters applied in SQL (ANDed; each one's values ORed), with the store's prefix test (Store.startsWith) */
  prefixes?: { filters: PrefixFilter[]; startsWith: StartsWith };
}

type StartsWith = (column: RawBuilder<unknown>, prefix: string) => RawBuilder<boolean>;

/** One filter as SQL over a row of `secrets`: a tag filter matches when any tag does, its negation when none does. */
function prefixCondition(filter: PrefixFilter, startsWith: StartsWith): RawBuilder<boolean> {
  const one = ({ prefix, negated }: { prefix: string; negated: boolean }): RawBuilder<boolean> => {
    let condition: RawBuilder<boolean>;
    if (filter.key === 'tag-key' || filter.key === 'tag-value') {
      const column = sql.ref(filter.key === 'tag-key' ? 't.tag_key' : 't.tag_value');
      condition = sql<boolean>`exists (select 1 from secret_tags t where t.secret_id = secrets.id and ${startsWith(sql`${column}`, prefix)})`;
    } else {
      const column = { name: 'name', 'primary-region': 'primary_region', 'owning-service': 'owning_service' }[filter.key];
      // A name is never null, and as is the scope's name index answers its prefix (migration 018).
      condition = column === 'name' ? startsWith(sql`${sql.ref('secrets.name')}`, prefix) : startsWith(sql`coalesce(${sql.ref(`secrets.${column}`)}, '')`, prefix);
    }
    return negated ? sql<boolean>`not ${condition}` : condition;
  };
  return sql<boolean>`(${sql.join(filter.values.map(one), sql` or `)})`;
}

/** One batch of secrets in sort order, after the cursor. Keyset paging keeps pages stable while secrets are added. */
export async function listSecretsBatch(db: Executor, scope: Scope, page: PageQuery): Promise<Array<SecretRow & { sort_value: string | number }>> {
  const column = sortColumns[page.sortBy];
  const dir = page.descending ? 'desc' : 'asc';
  let q = db
    .selectFrom('secrets')
    .selectAll()
    .select(column.as('sort_value'))
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region);
  if (!page.includeDeleted) q = q.where('deleted_at', 'is', null);
  for (const filter of page.prefixes?.filters ?? []) q = q.where(prefixCondition(filter, page.prefixes!.startsWith));
  if (page.after) {
    const { value, seq } = page.after;
    // A row-value comparison, which both SQLite and PostgreSQL answer from the order index (an OR of two
    // conditions they do not).
    q = page.descending
      ? q.where(sql<boolean>`(${column}, seq) < (${value}, ${seq})`)
      : q.where(sql<boolean>`(${column}, seq) > (${value}, ${seq})`);
  }
  return q.orderBy(column, dir).orderBy('seq', dir).limit(page.limit).execute() as Promise<Array<SecretRow & { sort_value: string | number }>>;
}

export async function touchSecretAccess(db: Executor, secretId: string, day: number): Promise<void> {
  await db.updateTable('secrets').set({ last_accessed_at: day }).where('id', '=', secretId).execute();
}

export async function touchVersionAccess(db: Executor, secretId: string, versionId: string, day: number): Promise<void> {
  await db
    .updateTable('secret_versions')
    .set({ last_accessed_at: day })
    .where('secret_id', '=', secretId)
    .where('version_id', '=', versionId)
    .execute();
}

/** Secrets whose recovery window has ended, across every scope (for the background purge). */
export async function secretsDueForPurge(db: Executor, now: number, limit: number): Promise<Array<{ id: string }>> {
  return db.selectFrom('secrets').select('id').where('deletion_date', '<=', now).limit(limit).execute();
}

export async function deleteScope(db: Executor, scope: Scope): Promise<void> {
  const ids = await db
    .selectFrom('secrets')
    .select('id')
    .where('account_id', '=', scope.accountId)
    .where('region', '=', scope.region)
    .execute();
  for (const { id } of ids) await deleteSecret(db, id);
}
