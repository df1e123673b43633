// The key service's background work, run by the sweep in app.ts on every server: automatic rotation of
// key material when a key's rotation date has passed, and the destruction of keys whose deletion window
// ended. Each key is handled in its own transaction that re-reads the key row locked, so several servers
// sweeping one PostgreSQL database at once rotate or destroy each key once.
import type { Store, Tx } from '../../store/db.ts';
import * as keys from './key-store.ts';
import type { KeyRow } from './key-store.ts';

export interface KeySweepDeps {
  store: Store;
  now: () => number;
  rotateMaterial(tx: Tx, row: KeyRow, type: 'AUTOMATIC' | 'ON_DEMAND'): Promise<number>;
  forget(keyId: string, material?: boolean): void;
}

export function createKeySweep({ store, now, rotateMaterial, forget }: KeySweepDeps) {
  /** Rotates every enabled key whose rotation date has passed; called by the background sweep. */
  async function rotateDueKeys(limit = 100): Promise<number> {
    let rotated = 0;
    for (const due of await keys.keysDueForRotation(store.db, now(), limit)) {
      const scope = { accountId: due.account_id, region: due.region };
      const done = await store.db.transaction().execute(async (tx) => {
        // Several servers may sweep at once: only the one that still finds the key due rotates it.
        const row = await keys.findKeyById(tx, scope, due.key_id, store.forUpdate);
        if (!row || row.key_state !== 'Enabled' || !row.rotation_enabled || row.next_rotation_at === null || row.next_rotation_at > now()) return false;
        await rotateMaterial(tx, row, 'AUTOMATIC');
        return true;
      });
      if (done) {
        rotated += 1;
        forget(due.key_id);
      }
    }
    return rotated;
  }

  /** Destroys the material of keys whose deletion window ended (crypto-shredding); called by the sweep. */
  async function purgeDeletedKeys(limit = 100): Promise<number> {
    let destroyed = 0;
    for (const due of await keys.keysDueForDeletion(store.db, now(), limit)) {
      const scope = { accountId: due.account_id, region: due.region };
      const done = await store.db.transaction().execute(async (tx) => {
        const row = await keys.findKeyById(tx, scope, due.key_id, store.forUpdate);
        if (!row || row.key_state !== 'PendingDeletion' || row.deletion_date === null || row.deletion_date > now()) return false;
        await keys.destroyKey(tx, row.key_id);
        return true;
      });
      if (done) {
        destroyed += 1;
        forget(due.key_id, true);
      }
    }
    if (destroyed > 0) await store.scrub();
    return destroyed;
  }

  return { rotateDueKeys, purgeDeletedKeys };
}
