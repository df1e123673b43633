// Rotation of key material: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
// ListKeyRotations. A rotation adds a material version: new ciphertexts use it, and every older version
// stays for decryption until the key is deleted. Automatic rotations are made by the background sweep
// (KeyService.rotateDueKeys) when next_rotation_at has passed and the key is Enabled.
import type {
  EnableKeyRotationRequest,
  GetKeyRotationStatusRequest,
  GetKeyRotationStatusResponse,
  ListKeyRotationsRequest,
  ListKeyRotationsResponse,
  RotateKeyOnDemandRequest,
  RotateKeyOnDemandResponse,
  RotationsListEntry,
} from '@aws-sdk/client-kms';
import * as keyStore from './key-store.ts';
import { decodeMarker, page } from './key-metadata.ts';
import { createKeyMutator, DAY_MS, requireEnabled, requireNotPendingDeletion, type KmsScope, type KmsServiceDeps } from './kms-context.ts';
import { kmsErrors } from './kms-errors.ts';

type Empty = Record<string, never>;
const DEFAULT_ROTATION_DAYS = 365;
/** AWS's quota of on-demand rotations per key. */
export const MAX_ON_DEMAND_ROTATIONS = 10;

export function createKeyRotation(deps: KmsServiceDeps) {
  const { store, keys, now } = deps;
  const mutate = createKeyMutator(deps);

  async function enableKeyRotation(scope: KmsScope, input: EnableKeyRotationRequest): Promise<Empty> {
    const period = input.RotationPeriodInDays ?? DEFAULT_ROTATION_DAYS;
    await mutate(scope, input.KeyId!, 'EnableKeyRotation', async (tx, row) => {
      requireEnabled(row);
      // The first rotation comes one period after rotation is enabled (or its period changed).
      if (row.rotation_enabled && row.rotation_period_days === period) return;
      await keyStore.updateKey(tx, row.key_id, { rotation_enabled: 1, rotation_period_days: period, next_rotation_at: now() + period * DAY_MS });
    });
    return {};
  }

  async function disableKeyRotation(scope: KmsScope, input: { KeyId?: string }): Promise<Empty> {
    await mutate(scope, input.KeyId!, 'DisableKeyRotation', async (tx, row) => {
      requireEnabled(row);
      await keyStore.updateKey(tx, row.key_id, { rotation_enabled: 0, rotation_period_days: null, next_rotation_at: null });
    });
    return {};
  }

  async function getKeyRotationStatus(scope: KmsScope, input: GetKeyRotationStatusRequest): Promise<GetKeyRotationStatusResponse> {
    const row = await keys.resolve(scope, input.KeyId!, store.db, { aliases: false });
    requireNotPendingDeletion(row);
    const enabled = row.rotation_enabled === 1;
    return {
      KeyId: row.arn,
      KeyRotationEnabled: enabled,
      ...(enabled && row.rotation_period_days !== null ? { RotationPeriodInDays: row.rotation_period_days } : {}),
      ...(enabled && row.next_rotation_at !== null ? { NextRotationDate: new Date(row.next_rotation_at) } : {}),
    };
  }

  async function rotateKeyOnDemand(scope: KmsScope, input: RotateKeyOnDemandRequest): Promise<RotateKeyOnDemandResponse> {
    return mutate(scope, input.KeyId!, 'RotateKeyOnDemand', async (tx, row) => {
      requireEnabled(row);
      const onDemand = (await keyStore.listMaterials(tx, row.key_id)).filter((m) => m.rotation_type === 'ON_DEMAND').length;
      if (onDemand >= MAX_ON_DEMAND_ROTATIONS) {
        throw kmsErrors.limitExceeded(`${row.arn} has reached the maximum of ${MAX_ON_DEMAND_ROTATIONS} on-demand rotations.`);
      }
      await keys.rotateMaterial(tx, row, 'ON_DEMAND');
      return { KeyId: row.arn };
    });
  }

  async function listKeyRotations(scope: KmsScope, input: ListKeyRotationsRequest): Promise<ListKeyRotationsResponse> {
    const row = await keys.resolve(scope, input.KeyId!, store.db, { aliases: false });
    requireNotPendingDeletion(row);
    const all = input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
    const after = decodeMarker(input.Marker, `rotations:${row.key_id}`);
    const limit = input.Limit ?? 100;
    // A handful of versions per key: filtering in memory is simpler than paging in SQL.
    const materials = (await keyStore.listMaterials(store.db, row.key_id))
      .filter((m) => all || m.rotation_type !== null)
      .filter((m) => after === undefined || m.material_version > Number(after));
    const { items, ...rest } = page(materials.slice(0, limit + 1), limit, `rotations:${row.key_id}`, (m) => String(m.material_version));
    const Rotations: RotationsListEntry[] = items.map((m) => ({
      KeyId: row.key_id,
      ...(all ? { KeyMaterialState: m.material_version === row.material_version ? 'CURRENT' : 'NON_CURRENT' } : {}),
      ...(m.rotation_type !== null ? { RotationDate: new Date(m.created_at), RotationType: m.rotation_type as RotationsListEntry['RotationType'] } : {}),
    }));
    return { Rotations, ...rest };
  }

  return { enableKeyRotation, disableKeyRotation, getKeyRotationStatus, rotateKeyOnDemand, listKeyRotations };
}
