// What rotation (rotation/) asks of the Secrets Manager service. Rotation keeps its own rows (schedule, run
// state) and never reads or writes a secret's tables: it works inside a transaction this service opens, on a
// secret this service found, authorized and locked, and changes versions and labels only through the methods
// of LockedSecret, which keep the label rules of versions.ts. Its own rows are written with the transaction
// handed to `work`, so they commit or roll back with the secret's.
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import type { Executor, Tx } from '../../store/db.ts';
import { parseSecretId, secretScope } from './arn.ts';
import type { SecretAccess } from './secret-access.ts';
import { requireToken, type SecretServiceDeps } from './secret-context.ts';
import { matchesRotationToken, newRotationToken, rotationTokenHash } from './rotation-token.ts';
import { findSecret, requireNotDeleted } from './secret-lookup.ts';
import * as db from './secret-store.ts';
import { requireNotReplica, type ReplicaSync } from './replica-sync.ts';
import type { SecretRow, VersionRow } from './secret-store.ts';
import { AWSCURRENT, AWSPENDING, checkLabelQuota } from './versions.ts';

/** A secret as rotation sees it. */
export interface RotationTarget {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** scheduled for deletion */
  readonly deleted: boolean;
}

/** A secret locked in the transaction the service opened, with the versions its labels are on. */
export interface LockedSecret extends RotationTarget {
  /** the version labelled AWSCURRENT */
  readonly current: string | undefined;
  /** the version labelled AWSPENDING (which may be AWSCURRENT's too) */
  readonly pending: string | undefined;
  hasVersion(versionId: string): Promise<boolean>;
  /**
   * Adds the version a rotation works on and labels it AWSPENDING (taken off any other version; AWSCURRENT
   * stays). It holds no value until createSecret puts one, or with `copyCurrent` (RotateImmediately=false's
   * test of the configuration) a copy of AWSCURRENT's, so that testSecret has a value to log in with.
   */
  addPendingVersion(versionId: string, copyCurrent: boolean): Promise<void>;
  /** Takes AWSPENDING off the version, if it is there. */
  clearPending(versionId: string): Promise<void>;
  /**
   * A fresh RotationToken for the rotation attempt starting (its hash replaces any earlier one): the attempt's
   * function may name it in PutSecretValue. Returned once, never stored.
   */
  issueRotationToken(): Promise<string>;
  /** Ends a RotationToken's validity: `token`'s if it is still the current one; without `token`, whichever is. */
  revokeRotationToken(token?: string): Promise<void>;
}

type Work<S, T> = (secret: S, tx: Tx) => Promise<T>;

export function createSecretRotation(deps: SecretServiceDeps, access: SecretAccess, sync: ReplicaSync) {
  const { store, keys, values, now, authorizer, randomBytes } = deps;

  /** The secret a request names, authorized for `operation` (AccessDenied before NotFound, as Secrets Manager does). */
  async function authorized(executor: Executor, authz: RequestAccess, scope: RequestScope, secretId: string, operation: 'RotateSecret' | 'CancelRotateSecret' | 'DescribeSecret' | 'UpdateSecretVersionStage', forUpdate = false) {
    const owner = secretScope(scope, secretId);
    const secret = await findSecret(executor, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, operation), forUpdate);
    await access.requireOnSecret(authz, executor, secret, operation);
    return secret;
  }

  /** RotateSecret, CancelRotateSecret: `work` runs in one transaction on the secret, authorized, locked, not deleted. */
  async function withRequestedSecret<T>(scope: RequestScope, secretId: string, operation: 'RotateSecret' | 'CancelRotateSecret', work: Work<LockedSecret, T>): Promise<T> {
    // The caller's access is read first: on SQLite a read outside the transaction would wait for it.
    const authz = await authorizer.forRequest(scope);
    return sync.transaction(async (tx) => {
      const secret = await authorized(tx, authz, scope, secretId, operation, store.forUpdate);
      requireNotReplica(secret);
      requireNotDeleted(secret);
      const result = await work(await locked(tx, secret), tx);
      await sync.propagate(tx, secret.id);
      return result;
    });
  }

  /** The scheduler and the engine (internal): `work` runs in one transaction on the secret locked, undefined when it is gone. */
  async function withSecret<T>(secretId: string, work: Work<LockedSecret | undefined, T>): Promise<T> {
    return sync.transaction(async (tx) => {
      const secret = await db.findSecretById(tx, secretId, store.forUpdate);
      const result = await work(secret && (await locked(tx, secret)), tx);
      if (secret) await sync.propagate(tx, secret.id);
      return result;
    });
  }

  /** The admin API's rotation operations: the secret a request names, authorized, not locked. */
  async function authorize(scope: RequestScope, secretId: string, operation: 'RotateSecret' | 'DescribeSecret' | 'UpdateSecretVersionStage'): Promise<RotationTarget> {
    return targetOf(await authorized(store.db, await authorizer.forRequest(scope), scope, secretId, operation));
  }

  /** A secret by id (internal: no authorization). */
  async function findById(secretId: string): Promise<RotationTarget | undefined> {
    const secret = await db.findSecretById(store.db, secretId);
    return secret && targetOf(secret);
  }

  /** A secret by its full ARN (internal: no authorization); an ARN of an account or region without it finds nothing. */
  async function findByArn(arn: string): Promise<RotationTarget | undefined> {
    const parsed = parseSecretId(arn);
    if (parsed.kind !== 'arn') return undefined;
    const secret = await db.findSecretByArn(store.db, { accountId: parsed.accountId, region: parsed.region }, arn);
    return secret && targetOf(secret);
  }

  async function locked(tx: Tx, secret: SecretRow): Promise<LockedSecret> {
    let stages = await db.getStages(tx, secret.id);
    const owner = { accountId: secret.account_id, region: secret.region };

    async function sealedCopyOfCurrent(versionId: string) {
      const current = await db.findVersionByStage(tx, secret.id, AWSCURRENT);
      if (!current?.ciphertext) return undefined;
      const value = await values.decrypt(owner, secret.id, current, tx);
      try {
        const key = await keys.resolve(owner, secret.kms_key_id ?? undefined, tx);
        return values.encrypt(owner, key, secret.id, versionId, value);
      } finally {
        value.bytes.fill(0);
      }
    }

    return {
      ...targetOf(secret),
      get current() {
        return stages.get(AWSCURRENT);
      },
      get pending() {
        return stages.get(AWSPENDING);
      },
      hasVersion: async (versionId) => (await db.findVersion(tx, secret.id, versionId)) !== undefined,
      async addPendingVersion(versionId, copyCurrent) {
        const empty: Pick<VersionRow, 'kms_key_id' | 'wrapped_key' | 'ciphertext' | 'value_kind'> = { kms_key_id: null, wrapped_key: null, ciphertext: null, value_kind: null };
        const sealed = (copyCurrent && (await sealedCopyOfCurrent(versionId))) || empty;
        await db.insertVersion(tx, { secret_id: secret.id, version_id: versionId, created_at: now(), last_accessed_at: null, ...sealed });
        const next = new Map(stages);
        next.delete(AWSPENDING);
        next.set(AWSPENDING, versionId);
        checkLabelQuota(next);
        await db.replaceStages(tx, secret.id, next);
        stages = next;
      },
      async clearPending(versionId) {
        if (stages.get(AWSPENDING) !== versionId) return;
        const next = new Map(stages);
        next.delete(AWSPENDING);
        await db.replaceStages(tx, secret.id, next);
        stages = next;
      },
      async issueRotationToken() {
        const token = newRotationToken(randomBytes);
        await db.updateSecret(tx, secret.id, { rotation_token_hash: rotationTokenHash(token) });
        return token;
      },
      async revokeRotationToken(token) {
        const current = secret.rotation_token_hash;
        if (current === null || (token !== undefined && !matchesRotationToken(token, current))) return;
        await db.updateSecret(tx, secret.id, { rotation_token_hash: null });
      },
    };
  }

  return { requireToken, withRequestedSecret, withSecret, authorize, findById, findByArn };
}

export type SecretRotation = ReturnType<typeof createSecretRotation>;

function targetOf(secret: SecretRow): RotationTarget {
  return { id: secret.id, arn: secret.arn, name: secret.name, accountId: secret.account_id, region: secret.region, deleted: secret.deleted_at !== null };
}
