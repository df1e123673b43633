// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant. A grant is effective as
// soon as CreateGrant answers (Coffer has no eventual consistency), so grant tokens never change a decision;
// who may use a grant is decided in grant-authorization.ts. Key states follow AWS's key state table: a key
// pending deletion takes no new grant, but its grants can still be listed, retired and revoked.
import type {
  CreateGrantRequest,
  CreateGrantResponse,
  ListGrantsRequest,
  ListGrantsResponse,
  ListRetirableGrantsRequest,
  RetireGrantRequest,
  RevokeGrantRequest,
} from '@aws-sdk/client-kms';
import * as grantStore from './grant-store.ts';
import { checkConstraints, checkOperations, constraintJson, encodeGrantToken, GRANT_ID, grantEntry, retireTarget, sameGrant } from './grant-rules.ts';
import { decodeMarker, page } from './key-metadata.ts';
import { createKeyMutator, requireCustomerManaged, requireNotPendingDeletion, type KmsScope, type KmsServiceDeps } from './kms-context.ts';
import { kmsErrors } from './kms-errors.ts';

type Empty = Record<string, never>;
/** AWS's quota of grants per KMS key. */
const MAX_GRANTS_PER_KEY = 50_000;
/** ListGrants and ListRetirableGrants: Limit 1 to 100, default 50 (the model allows up to 1000; AWS answers at most 100). */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

export function createKeyGrants(deps: KmsServiceDeps) {
  const { store, keys, now, randomBytes } = deps;
  const mutate = createKeyMutator(deps);

  const newToken = (keyId: string, grantId: string) => encodeGrantToken(keyId, grantId, randomBytes(32));

  async function createGrant(scope: KmsScope, input: CreateGrantRequest): Promise<CreateGrantResponse> {
    return mutate(scope, input.KeyId!, 'CreateGrant', async (tx, row) => {
      requireNotPendingDeletion(row);
      const wanted = {
        grantee_principal: input.GranteePrincipal!,
        retiring_principal: input.RetiringPrincipal ?? null,
        operations: JSON.stringify(checkOperations(input.Operations ?? [], row.arn)),
        constraints: constraintJson(checkConstraints(input.Constraints)),
      };
      if (input.DryRun) throw kmsErrors.dryRun();
      // A Name makes a retry safe: the same grant again answers the grant made before, with a new token.
      if (input.Name !== undefined) {
        const existing = (await grantStore.grantsNamed(tx, row.key_id, input.Name)).find((g) => sameGrant(g, wanted));
        if (existing) return { GrantId: existing.grant_id, GrantToken: newToken(row.key_id, existing.grant_id) };
      }
      if ((await grantStore.countGrants(tx, row.key_id)) >= MAX_GRANTS_PER_KEY) {
        throw kmsErrors.limitExceeded(`The key ${row.arn} already has ${MAX_GRANTS_PER_KEY} grants, the most a KMS key can have.`);
      }
      const grantId = randomBytes(32).toString('hex');
      await grantStore.insertGrant(tx, {
        grant_id: grantId,
        key_id: row.key_id,
        account_id: scope.accountId,
        region: scope.region,
        name: input.Name ?? null,
        issuing_account: `arn:aws:iam::${scope.accountId}:root`,
        created_at: now(),
        ...wanted,
      });
      return { GrantId: grantId, GrantToken: newToken(row.key_id, grantId) };
    });
  }

  async function listGrants(scope: KmsScope, input: ListGrantsRequest): Promise<ListGrantsResponse> {
    const row = await keys.resolve(scope, input.KeyId!, store.db, { aliases: false });
    if (input.GrantId !== undefined && !GRANT_ID.test(input.GrantId)) throw kmsErrors.invalidGrantId(input.GrantId);
    const filter = { grantId: input.GrantId, grantee: input.GranteePrincipal };
    return grantPage(`grants:${row.key_id}`, input, (after, n) => grantStore.listGrants(store.db, row.key_id, filter, after, n), () => row.arn);
  }

  async function listRetirableGrants(scope: KmsScope, input: ListRetirableGrantsRequest): Promise<ListGrantsResponse> {
    const retiring = input.RetiringPrincipal!;
    return grantPage(`retirable:${retiring}`, input, (after, n) => grantStore.listRetirableGrants(store.db, scope, retiring, after, n), (g) => keys.keyArn(scope, g.key_id));
  }

  /** One page of grants in GrantId order: Limit 1 to 100 (default 50), the Marker of this listing. */
  async function grantPage(
    listing: string,
    input: { Limit?: number; Marker?: string },
    read: (afterGrantId: string | undefined, limit: number) => Promise<grantStore.GrantRow[]>,
    keyArnOf: (grant: grantStore.GrantRow) => string,
  ): Promise<ListGrantsResponse> {
    const limit = Math.min(input.Limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const { items, ...rest } = page(await read(decodeMarker(input.Marker, listing), limit + 1), limit, listing, (g) => g.grant_id);
    return { Grants: items.map((g) => grantEntry(g, keyArnOf(g))), ...rest };
  }

  /** RetireGrant: by GrantToken, or by KeyId and GrantId (the caller was authorized against that grant). */
  async function retireGrant(scope: KmsScope, input: RetireGrantRequest): Promise<Empty> {
    const { keyRef, grantId } = retireTarget(input);
    await removeGrant(scope, keyRef, grantId, input.DryRun);
    return {};
  }

  async function revokeGrant(scope: KmsScope, input: RevokeGrantRequest): Promise<Empty> {
    if (!GRANT_ID.test(input.GrantId!)) throw kmsErrors.invalidGrantId(input.GrantId!);
    await removeGrant(scope, input.KeyId!, input.GrantId!, input.DryRun, 'RevokeGrant');
    return {};
  }

  /** Deletes a grant of a key; `customerManagedAction`: the action the AWS managed key refuses (RevokeGrant). */
  async function removeGrant(scope: KmsScope, keyRef: string, grantId: string, dryRun: boolean | undefined, customerManagedAction?: string): Promise<void> {
    await store.db.transaction().execute(async (tx) => {
      const row = await keys.resolve(scope, keyRef, tx, { aliases: false });
      if (customerManagedAction) requireCustomerManaged(scope, row, customerManagedAction);
      if (!(await grantStore.findGrant(tx, row.key_id, grantId))) throw grantNotFound(grantId, row.arn);
      if (dryRun) throw kmsErrors.dryRun();
      await grantStore.deleteGrant(tx, row.key_id, grantId);
    });
  }

  return { createGrant, listGrants, listRetirableGrants, retireGrant, revokeGrant };
}

function grantNotFound(grantId: string, keyArn: string) {
  return kmsErrors.notFound(`Grant ID ${grantId} not found on key ${keyArn}.`);
}
