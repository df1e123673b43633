// ListSecrets: keyset pages in the requested order, filtered by list-filters.ts. The filter runs in
// code (its word-prefix rules have no portable SQL form), so batches are read until a page is full.
import type { ListSecretsRequest, ListSecretsResponse, SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { awsErrors } from '../../errors/aws-errors.ts';
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import { mentionsAction } from '../../access/policy-keys.ts';
import { compileFilters, prefixFilters } from './list-filters.ts';
import type { SecretAccess } from './secret-access.ts';
import { describe } from './secret-reads.ts';
import type { SecretServiceDeps } from './secret-context.ts';
import * as db from './secret-store.ts';
import type { Scope, SecretRow, SortBy } from './secret-store.ts';
import { decodeToken, encodeToken } from './page-token.ts';

interface Cursor {
  b: SortBy;
  d: boolean;
  v: string | number;
  s: number;
}

const BATCH = 200;

export function createSecretListing(deps: SecretServiceDeps, access: SecretAccess) {
  const { store, authorizer } = deps;

  /**
   * ListSecrets has no resource in AWS (Resource "*"), and AWS lists every secret to whoever may call it.
   * Coffer lists only what the caller may see: a secret appears when ListSecrets and DescribeSecret (the
   * entry is DescribeSecret's view of the secret) are both allowed on it, its ARN, tags and resource
   * policy considered. A caller whose policies never mention ListSecrets, or deny it on "*", gets
   * AccessDenied rather than an empty list.
   */
  function requireListing(authz: RequestAccess, scope: Scope): void {
    if (authz.unrestricted(scope.accountId)) return;
    const check = { action: 'secretsmanager:ListSecrets', resource: '*', resourceAccountId: scope.accountId };
    const decision = authz.decide(check);
    if (decision.allowed) return;
    if (decision.reason === 'explicit-deny' || !mentionsAction(authz.identity.policies, check.action)) authz.require(check);
  }

  function visible(authz: RequestAccess, row: SecretRow, tags: db.Tag[]): boolean {
    return access.allowsOnSecret(authz, row, 'ListSecrets', tags) && access.allowsOnSecret(authz, row, 'DescribeSecret', tags);
  }

  /** One page of matching secrets the caller may list, plus the cursor after it. */
  async function page(scope: Scope, authz: RequestAccess, input: ListSecretsRequest): Promise<{ rows: SecretRow[]; next?: string }> {
    const sortBy = (input.SortBy ?? 'created-date') as SortBy;
    const descending = input.SortOrder === 'desc';
    const limit = input.MaxResults ?? 100;
    const filters = input.Filters?.map((f) => ({ Key: f.Key!, Values: f.Values ?? [] })) ?? [];
    const matches = filters.length ? compileFilters(filters) : undefined;
    const prefixes = { filters: prefixFilters(filters), startsWith: store.startsWith };
    let after: Cursor | undefined;
    if (input.NextToken !== undefined) {
      after = decodeToken(input.NextToken, (v): v is Cursor => {
        const c = v as Partial<Cursor> | null;
        return c?.b === sortBy && c.d === descending && (typeof c.v === 'string' || typeof c.v === 'number') && typeof c.s === 'number';
      });
    }
    const rows: SecretRow[] = [];
    const tags = new Map<string, db.Tag[]>();
    let cursor = after ? { value: after.v, seq: after.s } : undefined;
    let last: (SecretRow & { sort_value: string | number }) | undefined;
    for (;;) {
      const batch = await db.listSecretsBatch(store.db, scope, {
        includeDeleted: input.IncludePlannedDeletion === true,
        sortBy,
        descending,
        after: cursor,
        limit: BATCH,
        prefixes,
      });
      const batchTags = matches || batch.length ? await db.getTagsOfMany(store.db, batch.map((r) => r.id)) : new Map();
      for (const row of batch) {
        last = row;
        const rowTags = batchTags.get(row.id) ?? [];
        const keep = !matches || matches({
          name: row.name,
          description: row.description ?? undefined,
          tags: rowTags,
          primaryRegion: row.primary_region ?? undefined,
          owningService: row.owning_service ?? undefined,
        });
        if (!keep || !visible(authz, row, rowTags)) continue;
        if (rows.length === limit) {
          // A further match exists: the page ends at the previous row.
          const prev = rows[rows.length - 1] as SecretRow & { sort_value: string | number };
          return { rows, next: encodeToken({ b: sortBy, d: descending, v: prev.sort_value, s: prev.seq } satisfies Cursor) };
        }
        rows.push(row);
        tags.set(row.id, rowTags);
      }
      if (batch.length < BATCH || !last) return { rows };
      cursor = { value: last.sort_value, seq: last.seq };
    }
  }

  async function listSecrets(scope: RequestScope, input: ListSecretsRequest): Promise<ListSecretsResponse> {
    const authz = await authorizer.forRequest(scope);
    requireListing(authz, scope);
    const { rows, next } = await page(scope, authz, input);
    const ids = rows.map((r) => r.id);
    const [stages, tags] = await Promise.all([db.getStagesOfMany(store.db, ids), db.getTagsOfMany(store.db, ids)]);
    const SecretList: SecretListEntry[] = rows.map((row) => {
      const { VersionIdsToStages, ...rest } = describe(row, stages.get(row.id)!, tags.get(row.id)!);
      return { ...rest, ...(VersionIdsToStages ? { SecretVersionsToStages: VersionIdsToStages } : {}) } as SecretListEntry;
    });
    return { SecretList, ...(next ? { NextToken: next } : {}) };
  }

  /** ARNs of one page of secrets matching filters, for BatchGetSecretValue. */
  async function listArns(scope: Scope, authz: RequestAccess, filters: NonNullable<ListSecretsRequest['Filters']>, limit: number, nextToken?: string) {
    if (filters.length === 0) throw awsErrors.invalidParameter('Filters must contain at least one filter.');
    requireListing(authz, scope);
    const { rows, next } = await page(scope, authz, { Filters: filters, MaxResults: limit, NextToken: nextToken });
    return { arns: rows.map((r) => r.arn), ...(next ? { nextToken: next } : {}) };
  }

  return { listSecrets, listArns };
}
