// Keys and their lifecycle: CreateKey (with its key policy: key-policy.ts), DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion,
// CancelKeyDeletion, UpdateKeyDescription and the tags. States follow AWS's key state table: a key pending
// deletion can only be described, listed and have its deletion cancelled (which leaves it Disabled).
import type {
  CancelKeyDeletionRequest,
  CancelKeyDeletionResponse,
  CreateKeyRequest,
  CreateKeyResponse,
  DescribeKeyRequest,
  DescribeKeyResponse,
  ListKeysRequest,
  ListKeysResponse,
  ListResourceTagsRequest,
  ListResourceTagsResponse,
  ScheduleKeyDeletionRequest,
  ScheduleKeyDeletionResponse,
  TagResourceRequest,
  UntagResourceRequest,
  UpdateKeyDescriptionRequest,
} from '@aws-sdk/client-kms';
import * as keyStore from './key-store.ts';
import { decodeMarker, keyMetadata, page, SYMMETRIC_DEFAULT } from './key-metadata.ts';
import { parseKeyPolicy } from './key-policy.ts';
import { requireKnownPrincipals } from './key-policy-principals.ts';
import { createKeyMutator, DAY_MS, requireNotPendingDeletion, type KmsScope, type KmsServiceDeps } from './kms-context.ts';
import { kmsErrors } from './kms-errors.ts';

type Empty = Record<string, never>;
const MAX_TAGS = 50;
const DEFAULT_PENDING_WINDOW_DAYS = 30;

export function createKeyLifecycle(deps: KmsServiceDeps) {
  const { store, keys, now } = deps;
  const mutate = createKeyMutator(deps);

  async function createKey(scope: KmsScope, input: CreateKeyRequest): Promise<CreateKeyResponse> {
    const spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? SYMMETRIC_DEFAULT;
    if (spec !== SYMMETRIC_DEFAULT) {
      throw kmsErrors.unsupported(`Coffer supports only symmetric encryption keys: KeySpec ${spec} is not supported (use ${SYMMETRIC_DEFAULT}).`);
    }
    if (input.KeyUsage !== undefined && input.KeyUsage !== 'ENCRYPT_DECRYPT') {
      throw kmsErrors.unsupported(`Coffer supports only symmetric encryption keys: KeyUsage ${input.KeyUsage} is not supported (use ENCRYPT_DECRYPT).`);
    }
    if (input.Origin !== undefined && input.Origin !== 'AWS_KMS') {
      throw kmsErrors.unsupported(`Coffer creates all key material itself: Origin ${input.Origin} is not supported (use AWS_KMS).`);
    }
    if (input.CustomKeyStoreId !== undefined || input.XksKeyId !== undefined) throw kmsErrors.unsupported('Coffer has no custom key stores.');
    if (input.MultiRegion === true) throw kmsErrors.unsupported('Coffer does not support multi-Region keys.');
    const tags = checkTags(input.Tags);
    if (tags.length > MAX_TAGS) throw tooManyTags(tags.length);
    const policy = input.Policy === undefined ? undefined : parseKeyPolicy(input.Policy);
    if (policy) await requireKnownPrincipals(store.db, policy);
    const row = await store.db.transaction().execute(async (tx) => {
      const created = await keys.createKey(tx, scope, input.Description ?? '', 'CUSTOMER', input.Policy ?? null);
      // Checked on the new key's ARN; a refusal rolls the key back.
      if (policy && input.BypassPolicyLockoutSafetyCheck !== true) keys.requireNoLockout(scope.access, created, policy);
      await keyStore.putTags(tx, created.key_id, tags);
      return created;
    });
    return { KeyMetadata: keyMetadata(row) };
  }

  async function describeKey(scope: KmsScope, input: DescribeKeyRequest): Promise<DescribeKeyResponse> {
    // An alias accepted here; alias/aws/secretsmanager creates the AWS managed key on first use, as in AWS.
    return { KeyMetadata: keyMetadata(await keys.resolve(scope, input.KeyId!)) };
  }

  async function listKeys(scope: KmsScope, input: ListKeysRequest): Promise<ListKeysResponse> {
    const limit = input.Limit ?? 100;
    const rows = await keyStore.listKeys(store.db, scope, decodeMarker(input.Marker, 'keys'), limit + 1);
    const { items, ...rest } = page(rows, limit, 'keys', (r) => r.key_id);
    return { Keys: items.map((r) => ({ KeyId: r.key_id, KeyArn: r.arn })), ...rest };
  }

  async function enableKey(scope: KmsScope, input: { KeyId?: string }): Promise<Empty> {
    await mutate(scope, input.KeyId!, 'EnableKey', async (tx, row) => {
      requireNotPendingDeletion(row);
      if (row.key_state !== 'Enabled') await keyStore.updateKey(tx, row.key_id, { key_state: 'Enabled' });
    });
    return {};
  }

  async function disableKey(scope: KmsScope, input: { KeyId?: string }): Promise<Empty> {
    await mutate(scope, input.KeyId!, 'DisableKey', async (tx, row) => {
      requireNotPendingDeletion(row);
      if (row.key_state !== 'Disabled') await keyStore.updateKey(tx, row.key_id, { key_state: 'Disabled' });
    });
    return {};
  }

  async function scheduleKeyDeletion(scope: KmsScope, input: ScheduleKeyDeletionRequest): Promise<ScheduleKeyDeletionResponse> {
    const days = input.PendingWindowInDays ?? DEFAULT_PENDING_WINDOW_DAYS;
    if (days < 7 || days > 30) {
      const bound = days < 7 ? 'greater than or equal to 7' : 'less than or equal to 30';
      throw kmsErrors.validation(`1 validation error detected: Value '${days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value ${bound}`);
    }
    return mutate(scope, input.KeyId!, 'ScheduleKeyDeletion', async (tx, row) => {
      requireNotPendingDeletion(row);
      const deletionDate = now() + days * DAY_MS;
      await keyStore.updateKey(tx, row.key_id, { key_state: 'PendingDeletion', deletion_date: deletionDate });
      return { KeyId: row.arn, DeletionDate: new Date(deletionDate), KeyState: 'PendingDeletion', PendingWindowInDays: days };
    });
  }

  async function cancelKeyDeletion(scope: KmsScope, input: CancelKeyDeletionRequest): Promise<CancelKeyDeletionResponse> {
    return mutate(scope, input.KeyId!, 'CancelKeyDeletion', async (tx, row) => {
      if (row.key_state !== 'PendingDeletion') throw kmsErrors.invalidState(`${row.arn} is not pending deletion.`);
      // AWS: a key whose deletion is cancelled is Disabled until someone enables it.
      await keyStore.updateKey(tx, row.key_id, { key_state: 'Disabled', deletion_date: null });
      return { KeyId: row.arn };
    });
  }

  async function updateKeyDescription(scope: KmsScope, input: UpdateKeyDescriptionRequest): Promise<Empty> {
    await mutate(scope, input.KeyId!, 'UpdateKeyDescription', async (tx, row) => {
      requireNotPendingDeletion(row);
      await keyStore.updateKey(tx, row.key_id, { description: input.Description! });
    });
    return {};
  }

  async function tagResource(scope: KmsScope, input: TagResourceRequest): Promise<Empty> {
    const tags = checkTags(input.Tags);
    await mutate(scope, input.KeyId!, 'TagResource', async (tx, row) => {
      requireNotPendingDeletion(row);
      const existing = new Set((await keyStore.getTags(tx, row.key_id)).map((t) => t.tag_key));
      const total = new Set([...existing, ...tags.map((t) => t.key)]).size;
      if (total > MAX_TAGS) throw tooManyTags(total);
      await keyStore.putTags(tx, row.key_id, tags);
    });
    return {};
  }

  async function untagResource(scope: KmsScope, input: UntagResourceRequest): Promise<Empty> {
    await mutate(scope, input.KeyId!, 'UntagResource', async (tx, row) => {
      requireNotPendingDeletion(row);
      // Keys that are not there are ignored, as in AWS.
      await keyStore.deleteTags(tx, row.key_id, input.TagKeys!);
    });
    return {};
  }

  async function listResourceTags(scope: KmsScope, input: ListResourceTagsRequest): Promise<ListResourceTagsResponse> {
    const row = await keys.resolve(scope, input.KeyId!, store.db, { aliases: false });
    const limit = input.Limit ?? 50;
    const rows = await keyStore.getTags(store.db, row.key_id, decodeMarker(input.Marker, `tags:${row.key_id}`), limit + 1);
    const { items, ...rest } = page(rows, limit, `tags:${row.key_id}`, (t) => t.tag_key);
    return { Tags: items.map((t) => ({ TagKey: t.tag_key, TagValue: t.tag_value })), ...rest };
  }

  return {
    createKey,
    describeKey,
    listKeys,
    enableKey,
    disableKey,
    scheduleKeyDeletion,
    cancelKeyDeletion,
    updateKeyDescription,
    tagResource,
    untagResource,
    listResourceTags,
  };
}

/** Tags as given, later duplicates winning; keys beginning with aws: are AWS's (TagException). */
function checkTags(tags: Array<{ TagKey?: string; TagValue?: string }> | undefined): Array<{ key: string; value: string }> {
  const merged = new Map<string, string>();
  for (const tag of tags ?? []) {
    if (tag.TagKey!.toLowerCase().startsWith('aws:')) throw kmsErrors.tag('Tags beginning with aws: are reserved');
    merged.set(tag.TagKey!, tag.TagValue ?? '');
  }
  return [...merged].map(([key, value]) => ({ key, value }));
}

function tooManyTags(count: number) {
  return kmsErrors.limitExceeded(`A KMS key can have at most ${MAX_TAGS} tags; this request would leave it with ${count}.`);
}
