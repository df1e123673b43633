// What every part of the KMS API needs: its dependencies, the caller's scope, and the key-state rules
// of AWS's key state table (which states an operation accepts, and the error for the others).
import type { RequestAccess } from '../../access/authorizer.ts';
import type { Store, Tx } from '../../store/db.ts';
import type { KeyRow, KeyService } from './key-service.ts';
import type { Scope } from './key-store.ts';
import { kmsErrors } from './kms-errors.ts';

export interface KmsServiceDeps {
  store: Store;
  keys: KeyService;
  now: () => number;
  randomBytes: (n: number) => Buffer;
}

/** The caller's account and region, and its ARN (AccessDenied messages name it). */
export interface KmsScope extends Scope {
  principalArn: string;
  /** the request's access (the lockout safety check evaluates a new key policy for the caller); absent: internal */
  access?: RequestAccess;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The AWS managed key (aws/secretsmanager) belongs to Secrets Manager: its key policy lets the account
 * only describe, get and list it. Every other action on it is refused as AWS refuses it.
 */
export function requireCustomerManaged(scope: KmsScope, row: KeyRow, action: string): void {
  if (row.key_manager === 'AWS') throw kmsErrors.accessDenied(scope.principalArn, action, row.arn);
}

/** Management operations accept Enabled and Disabled keys; a key pending deletion is refused. */
export function requireNotPendingDeletion(row: KeyRow): void {
  if (row.key_state === 'PendingDeletion') throw kmsErrors.invalidState(`${row.arn} is pending deletion.`);
}

/** Operations that need an Enabled key (rotation): Disabled -> DisabledException, as for cryptography. */
export function requireEnabled(row: KeyRow): void {
  requireNotPendingDeletion(row);
  if (row.key_state !== 'Enabled') throw kmsErrors.disabled(`${row.arn} is disabled.`);
}

/**
 * Runs a change to one key in a transaction, the key row locked (PostgreSQL) and found by key id or key ARN
 * only (AWS: aliases are not accepted by the management operations). The commit moves the store's change
 * token, so no server reads the old row from its cache afterwards; this one also wipes the key's data keys.
 */
export function createKeyMutator({ store, keys }: KmsServiceDeps) {
  return async function mutate<T>(scope: KmsScope, keyRef: string, action: string, work: (tx: Tx, row: KeyRow) => Promise<T>): Promise<T> {
    let keyId: string | undefined;
    try {
      return await store.db.transaction().execute(async (tx) => {
        const row = await keys.resolve(scope, keyRef, tx, { aliases: false, forUpdate: store.forUpdate });
        keyId = row.key_id;
        requireCustomerManaged(scope, row, action);
        return work(tx, row);
      });
    } finally {
      if (keyId) keys.forget(keyId);
    }
  };
}
