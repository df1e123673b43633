// CreateAlias, UpdateAlias, DeleteAlias, ListAliases. Alias names are unique per account and region and
// point at a customer managed key of that scope. The alias/aws/ prefix belongs to the AWS managed keys
// Coffer creates itself (alias/aws/secretsmanager): users cannot create, move or delete those.
import type { CreateAliasRequest, DeleteAliasRequest, ListAliasesRequest, ListAliasesResponse, UpdateAliasRequest } from '@aws-sdk/client-kms';
import { isUniqueViolation, type Tx } from '../../store/db.ts';
import * as aliases from './alias-store.ts';
import { decodeMarker, page } from './key-metadata.ts';
import type { KeyRow } from './key-service.ts';
import { requireCustomerManaged, requireNotPendingDeletion, type KmsScope, type KmsServiceDeps } from './kms-context.ts';
import { kmsErrors } from './kms-errors.ts';

type Empty = Record<string, never>;
const RESERVED_PREFIX = 'alias/aws/';

export function createKeyAliases(deps: KmsServiceDeps) {
  const { store, keys, now } = deps;

  const aliasArn = (scope: KmsScope, name: string) => `arn:aws:kms:${scope.region}:${scope.accountId}:${name}`;
  const aliasNotFound = (scope: KmsScope, name: string) => kmsErrors.notFound(`Alias ${aliasArn(scope, name)} is not found.`);

  /** The key an alias may point at: a customer managed key, found by key id or ARN, not pending deletion. */
  async function target(tx: Tx, scope: KmsScope, keyRef: string, action: string): Promise<KeyRow> {
    if (keyRef.startsWith('alias/') || /^arn:aws:kms:[^:]*:\d{12}:alias\//.test(keyRef)) {
      throw kmsErrors.validation('Aliases must refer to keys. Not aliases');
    }
    const row = await keys.resolve(scope, keyRef, tx, { aliases: false, forUpdate: store.forUpdate });
    requireCustomerManaged(scope, row, action);
    requireNotPendingDeletion(row);
    return row;
  }

  async function createAlias(scope: KmsScope, input: CreateAliasRequest): Promise<Empty> {
    const name = checkAliasName(input.AliasName!);
    try {
      await store.db.transaction().execute(async (tx) => {
        const row = await target(tx, scope, input.TargetKeyId!, 'CreateAlias');
        if (await aliases.findAlias(tx, scope, name)) throw alreadyExists(scope, name);
        await aliases.insertAlias(tx, scope, name, row.key_id, now());
      });
    } catch (err) {
      // Two creators of one name at once: the loser sees the primary key, and answers as if it came second.
      if (isUniqueViolation(err)) throw alreadyExists(scope, name);
      throw err;
    }
    return {};
  }

  async function updateAlias(scope: KmsScope, input: UpdateAliasRequest): Promise<Empty> {
    const name = checkAliasName(input.AliasName!);
    await store.db.transaction().execute(async (tx) => {
      if (!(await aliases.findAlias(tx, scope, name))) throw aliasNotFound(scope, name);
      const row = await target(tx, scope, input.TargetKeyId!, 'UpdateAlias');
      await aliases.retargetAlias(tx, scope, name, row.key_id, now());
    });
    return {};
  }

  async function deleteAlias(scope: KmsScope, input: DeleteAliasRequest): Promise<Empty> {
    const name = checkAliasName(input.AliasName!);
    await store.db.transaction().execute(async (tx) => {
      if (!(await aliases.findAlias(tx, scope, name))) throw aliasNotFound(scope, name);
      await aliases.deleteAlias(tx, scope, name);
    });
    return {};
  }

  async function listAliases(scope: KmsScope, input: ListAliasesRequest): Promise<ListAliasesResponse> {
    const keyId = input.KeyId !== undefined ? (await keys.resolve(scope, input.KeyId, store.db, { aliases: false })).key_id : undefined;
    const limit = input.Limit ?? 50;
    const listing = `aliases:${keyId ?? ''}`;
    const rows = await aliases.listAliases(store.db, scope, keyId, decodeMarker(input.Marker, listing), limit + 1);
    const { items, ...rest } = page(rows, limit, listing, (a) => a.alias_name);
    return {
      Aliases: items.map((a) => ({
        AliasName: a.alias_name,
        AliasArn: aliasArn(scope, a.alias_name),
        TargetKeyId: a.key_id,
        CreationDate: new Date(a.created_at),
        LastUpdatedDate: new Date(a.updated_at ?? a.created_at),
      })),
      ...rest,
    };
  }

  return { createAlias, updateAlias, deleteAlias, listAliases };
}

/** The alias name rules beyond the model's pattern, with the texts AWS answers with. */
export function checkAliasName(name: string): string {
  if (!name.startsWith('alias/') || name === 'alias/') {
    throw kmsErrors.validation('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (name.startsWith(RESERVED_PREFIX)) {
    throw kmsErrors.notAuthorized(`The alias/aws/ prefix is reserved for AWS managed keys: ${name} cannot be created, updated or deleted.`);
  }
  if (name.includes(':')) throw kmsErrors.validation(`${name} contains invalid characters for an alias`);
  return name;
}

function alreadyExists(scope: KmsScope, name: string) {
  return kmsErrors.alreadyExists(`An alias with the name arn:aws:kms:${scope.region}:${scope.accountId}:${name} already exists`);
}
