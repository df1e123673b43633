// How a server follows a root-key rotation made by another server on the same database (or by another worker
// process on the same data directory), without a restart. Run from the background sweep:
//  - the store names its root key (the check value's key id); when that is not the key this server seals
//    with, the server re-reads its key file; once it holds the key it seals with it;
//  - then, and once after this server's own rotation, it re-wraps anything still sealed with an older key
//    (items a write sealed with the old key while the rotation ran, or before this server switched), so the
//    store converges on the current key and the old one can eventually be retired.
// Reads never wait for this: an item naming a key the server does not hold makes the keyring re-read the
// key file on the spot (crypto/root-key.ts).
import { storedRootKeyId } from './bootstrap.ts';
import { rewrapAll, type RootKeyRotationDeps } from './root-key-rotation.ts';

export interface RootKeyFollowerDeps extends RootKeyRotationDeps {
  logger: { error(msg: string, fields?: Record<string, unknown>): void; info(msg: string, fields?: Record<string, unknown>): void };
}

export type FollowResult = 'current' | 'caught-up' | 'missing-key';

export function createRootKeyFollower(deps: RootKeyFollowerDeps) {
  const { store, keyring, keyFile, logger } = deps;
  let catchUp = false;
  let reportedMissing: string | undefined;

  async function sync(): Promise<FollowResult> {
    const stored = await storedRootKeyId(store.db);
    if (stored === undefined) return 'current';
    if (stored !== keyring.currentId()) {
      if (!keyring.has(stored)) {
        try {
          keyring.reload();
        } catch (err) {
          logger.error('the root key file could not be read', { keyFile, error: err instanceof Error ? err.message : String(err) });
        }
      }
      if (!keyring.has(stored)) {
        if (reportedMissing !== stored) {
          reportedMissing = stored;
          logger.error(
            `the root key was rotated by another server: copy its key file (or the new key as the first line) to ${keyFile}; until then this server serves only what it has already opened`,
            { rootKeyId: stored, held: keyring.ids() },
          );
        }
        return 'missing-key';
      }
      keyring.use(stored);
      catchUp = true;
    }
    if (!catchUp) return 'current';
    await rewrapAll(deps, stored, stored);
    catchUp = false;
    reportedMissing = undefined;
    logger.info('following the current root key', { rootKeyId: stored });
    return 'caught-up';
  }

  return {
    sync,
    /** After this server's own rotation: one more pass for writes that sealed with the old key meanwhile. */
    rotated(): void {
      catchUp = true;
    },
  };
}

export type RootKeyFollower = ReturnType<typeof createRootKeyFollower>;
