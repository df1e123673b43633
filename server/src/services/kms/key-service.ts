// The core of the key service: the default key per account and region, resolving a KeyId (key id, key
// ARN, alias name or alias ARN), sealing and opening with a key's material (every version kept for
// decryption), rotation of material and the destruction of a key whose deletion window ended.
// The KMS API (kms-service.ts) and Secrets Manager both go through it. Key material is sealed by the root
// key in the database and cached here once opened: the material of a (key id, version) never changes, and a
// destroyed key is refused by its state before its material is ever looked at.
import { randomUUID } from 'node:crypto';
import { newKey, open, seal, CryptoError } from '../../crypto/aead.ts';
import { UnknownRootKeyError, type RootKey } from '../../crypto/root-key.ts';
import type { Executor, Store, Tx } from '../../store/db.ts';
import type { ReadCache, ReadView } from '../../store/read-cache.ts';
import { isUniqueViolation } from '../../store/db.ts';
import { findAliasTarget, insertAlias } from './alias-store.ts';
import { decodeBlob, encodeBlob } from './ciphertext-blob.ts';
import * as keys from './key-store.ts';
import type { KeyRow, RowLock, Scope } from './key-store.ts';
import { createKeyAccess } from './key-access.ts';
import { KeyUnavailableError } from './key-errors.ts';
import { createKeySweep } from './key-sweep.ts';
import { grantsTo } from './grant-store.ts';
import { grantAllows as grantPermits } from './grant-rules.ts';

export { KeyUnavailableError } from './key-errors.ts';
export type { KeyRow };

export const DEFAULT_SECRETS_ALIAS = 'alias/aws/secretsmanager';
const DAY_MS = 24 * 60 * 60 * 1000;
const AWS_MANAGED_ROTATION_DAYS = 365;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_ARN = /^arn:aws:kms:([^:]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:([^:]+):(\d{12}):(alias\/.+)$/;

export interface KeyServiceDeps {
  store: Store;
  /** key rows and unwrapped data keys for the read path (store/read-cache.ts) */
  cache: ReadCache;
  rootKey: RootKey;
  now: () => number;
}

export type KeyService = ReturnType<typeof createKeyService>;

export function createKeyService({ store, cache, rootKey, now }: KeyServiceDeps) {
  // Opened key material by (key id, version), which never changes: the KMS keyring of this process, as the
  // root key is the root keyring. A destroyed key's material is wiped and dropped (forget).
  const materialCache = new Map<string, Buffer>();

  function keyArn(scope: Scope, keyId: string): string {
    return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
  }

  function openMaterial(keyId: string, version: number, sealed: Buffer): Buffer {
    const cacheKey = `${keyId}:${version}`;
    let value = materialCache.get(cacheKey);
    if (!value) {
      try {
        value = rootKey.open(sealed, cacheKey);
      } catch (err) {
        if (err instanceof UnknownRootKeyError) {
          throw new KeyUnavailableError('root-key-missing', `The key material of key ${keyId} (version ${version}) is sealed with root key ${err.rootKeyId}, which this server does not hold: the root key was rotated and this server's key file lacks the new key, or the stored material was modified.`);
        }
        if (!(err instanceof CryptoError)) throw err;
        throw new KeyUnavailableError('material-corrupt', `The key material of key ${keyId} (version ${version}) failed authentication under the root key: it was modified in the database.`);
      }
      materialCache.set(cacheKey, value);
    }
    return value;
  }

  async function materialOf(db: Executor, row: KeyRow, version: number): Promise<Buffer> {
    if (version === row.material_version) return openMaterial(row.key_id, version, row.material_sealed);
    const cached = materialCache.get(`${row.key_id}:${version}`);
    if (cached) return cached;
    // A version above the row's may be newer than a cached row (rotated by another server): look it up too.
    const sealed = await keys.findMaterial(db, row.key_id, version);
    if (!sealed) throw new KeyUnavailableError('bad-ciphertext', 'The ciphertext names a key material version that does not exist.');
    return openMaterial(row.key_id, version, sealed);
  }

  function sealMaterial(keyId: string, version: number, material: Buffer): Buffer {
    return rootKey.seal(material, `${keyId}:${version}`);
  }

  /**
   * Inserts a new key (state Enabled, material version 1). AWS managed keys rotate every year. A null
   * policy is the one AWS writes by default (key-policy.ts).
   */
  async function createKey(db: Executor, scope: Scope, description: string, keyManager: 'AWS' | 'CUSTOMER', policy: string | null = null): Promise<KeyRow> {
    const keyId = randomUUID();
    const t = now();
    const managed = keyManager === 'AWS';
    const row: KeyRow = {
      key_id: keyId,
      account_id: scope.accountId,
      region: scope.region,
      arn: keyArn(scope, keyId),
      description,
      key_state: 'Enabled',
      key_manager: keyManager,
      created_at: t,
      deletion_date: null,
      material_version: 1,
      material_sealed: sealMaterial(keyId, 1, newKey()),
      rotation_enabled: managed ? 1 : 0,
      rotation_period_days: managed ? AWS_MANAGED_ROTATION_DAYS : null,
      next_rotation_at: managed ? t + AWS_MANAGED_ROTATION_DAYS * DAY_MS : null,
      policy,
    };
    await keys.insertKey(db, row);
    return row;
  }

  /**
   * The account's aws/secretsmanager key, created on first use (concurrent creators converge on one).
   * Writers call this before opening their transaction: on SQLite a nested transaction would wait on itself.
   */
  async function defaultSecretsKey(scope: Scope, db: Executor = store.db): Promise<KeyRow> {
    const existing = await findAliasTarget(db, scope, DEFAULT_SECRETS_ALIAS);
    if (existing) return requireKey(db, scope, existing);
    if (db !== store.db) throw new Error('the default key must be created before the transaction that uses it');
    try {
      return await store.db.transaction().execute(async (tx) => {
        const row = await createKey(tx, scope, 'Default key that protects my Secrets Manager data when no other key is defined', 'AWS');
        await insertAlias(tx, scope, DEFAULT_SECRETS_ALIAS, row.key_id, now());
        return row;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return requireKey(store.db, scope, (await findAliasTarget(store.db, scope, DEFAULT_SECRETS_ALIAS))!);
    }
  }

  async function requireKey(db: Executor, scope: Scope, keyId: string, lock: RowLock = false): Promise<KeyRow> {
    const row = await keys.findKeyById(db, scope, keyId, lock);
    if (!row) throw notFound(keyArn(scope, keyId));
    return row;
  }

  /**
   * Resolves a KeyId as KMS and Secrets Manager accept it; undefined or '' means the default key.
   * `aliases: false` is for the operations that take only a key id or key ARN.
   */
  async function resolve(scope: Scope, keyRef: string | undefined, db: Executor = store.db, options: { aliases?: boolean; forUpdate?: boolean } = {}): Promise<KeyRow> {
    const aliases = options.aliases ?? true;
    if (keyRef === undefined || keyRef === '' || (aliases && keyRef === DEFAULT_SECRETS_ALIAS)) return defaultSecretsKey(scope, db);
    const keyArnMatch = KEY_ARN.exec(keyRef);
    const aliasArnMatch = ALIAS_ARN.exec(keyRef);
    let keyId: string;
    if (UUID.test(keyRef)) keyId = keyRef;
    else if (keyArnMatch) {
      if (keyArnMatch[1] !== scope.region || keyArnMatch[2] !== scope.accountId) throw notFound(keyRef);
      keyId = keyArnMatch[3];
    } else if (aliases && (keyRef.startsWith('alias/') || aliasArnMatch)) {
      if (aliasArnMatch && (aliasArnMatch[1] !== scope.region || aliasArnMatch[2] !== scope.accountId)) throw notFound(keyRef);
      const alias = aliasArnMatch ? aliasArnMatch[3] : keyRef;
      if (alias === DEFAULT_SECRETS_ALIAS) return defaultSecretsKey(scope, db);
      const target = await findAliasTarget(db, scope, alias);
      if (!target) throw new KeyUnavailableError('not-found', `Alias ${aliasArnMatch ? keyRef : `arn:aws:kms:${scope.region}:${scope.accountId}:${alias}`} is not found.`);
      keyId = target;
    } else {
      throw new KeyUnavailableError('invalid-id', `Invalid keyId ${keyRef}`);
    }
    return requireKey(db, scope, keyId, options.forUpdate);
  }

  /**
   * The key row as the caller's write transaction sees it, held (FOR SHARE on PostgreSQL) until the
   * transaction ends: a DisableKey or ScheduleKeyDeletion that committed before this read is seen here,
   * and one that comes after waits for the write, so no value is ever sealed under a key that is no
   * longer usable. `row` is the key resolved before the transaction (aliases and the default key resolved).
   */
  async function lockForUse(tx: Tx, scope: Scope, row: KeyRow): Promise<KeyRow> {
    return requireKey(tx, scope, row.key_id, store.forUpdate ? 'share' : false);
  }

  function notFound(ref: string): KeyUnavailableError {
    return new KeyUnavailableError('not-found', `Key '${ref}' does not exist`);
  }

  /** Only Enabled keys encrypt or decrypt (AWS: DisabledException / KMSInvalidStateException). */
  function assertUsable(row: KeyRow): void {
    if (row.key_state === 'Enabled') return;
    if (row.key_state === 'PendingDeletion') throw new KeyUnavailableError('pending-deletion', `${row.arn} is pending deletion.`);
    throw new KeyUnavailableError('disabled', `${row.arn} is disabled.`);
  }

  /** Seals bytes under the key's current material; the blob names key and material version. */
  function wrap(row: KeyRow, plaintext: Buffer, aad: Buffer): Buffer {
    assertUsable(row);
    const sealed = seal(openMaterial(row.key_id, row.material_version, row.material_sealed), plaintext, aad);
    return encodeBlob({ keyId: row.key_id, materialVersion: row.material_version, sealed });
  }

  /**
   * The usable key a blob names, its row found by `findRow`: a destroyed key says so (its versions are
   * unrecoverable), a disabled or pending one refuses as an unwrap would.
   */
  async function usableKey(scope: Scope, keyId: string, db: Executor, findRow: (keyId: string) => Promise<KeyRow | undefined>): Promise<KeyRow> {
    const row = await findRow(keyId);
    if (!row) {
      const deleted = await keys.findDeletedKey(db, scope, keyId);
      if (deleted) throw new KeyUnavailableError('deleted', `Key '${deleted.arn}' does not exist`, deleted.deletion_date ?? undefined);
      throw notFound(keyArn(scope, keyId));
    }
    assertUsable(row);
    return row;
  }

  function blobParts(blob: Buffer) {
    const parts = decodeBlob(blob);
    if (!parts) throw new KeyUnavailableError('bad-ciphertext', 'The ciphertext is not a valid Coffer KMS ciphertext blob.');
    return parts;
  }

  async function openBlob(db: Executor, row: KeyRow, parts: ReturnType<typeof blobParts>, aad: Buffer): Promise<Buffer> {
    const material = await materialOf(db, row, parts.materialVersion);
    try {
      return open(material, parts.sealed, aad);
    } catch (err) {
      if (err instanceof CryptoError) throw new KeyUnavailableError('bad-ciphertext', 'The ciphertext failed authentication.');
      throw err;
    }
  }

  /** Opens a blob made by wrap(), reading the key's row with `db` (a transaction, or the store). */
  async function unwrap(scope: Scope, blob: Buffer, aad: Buffer, db: Executor = store.db): Promise<{ row: KeyRow; plaintext: Buffer }> {
    const parts = blobParts(blob);
    const row = await usableKey(scope, parts.keyId, db, (keyId) => keys.findKeyById(db, scope, keyId));
    return { row, plaintext: await openBlob(db, row, parts, aad) };
  }

  /** A fresh data key and its wrapped form; the context is bound into the wrapping as AAD. */
  function generateDataKey(row: KeyRow, context: string): { plaintext: Buffer; blob: Buffer } {
    const plaintext = newKey();
    return { plaintext, blob: wrap(row, plaintext, Buffer.from(context)) };
  }

  /** Wraps an existing data key under another key (re-keying a secret version without touching its value). */
  function wrapDataKey(row: KeyRow, plaintext: Buffer, context: string): Buffer {
    return wrap(row, plaintext, Buffer.from(context));
  }

  /** The plaintext data key (the caller's own copy: it may wipe it), read with `db` (e.g. in a transaction). */
  async function decryptDataKey(scope: Scope, blob: Buffer, context: string, db: Executor = store.db): Promise<Buffer> {
    return (await unwrap(scope, blob, Buffer.from(context), db)).plaintext;
  }

  /** A key row through the read cache (outside transactions): what reads and their authorization need of a key. */
  function keyForRead(view: ReadView, scope: Scope, keyId: string): Promise<KeyRow | undefined> {
    return view.row(['kms-key', scope.accountId, scope.region, keyId], () => keys.findKeyById(store.db, scope, keyId));
  }

  /**
   * The plaintext data key for a read (the caller's own copy: it may wipe it). The key's row comes through
   * the request's view and its state is checked on every call, as an unwrap would, so a key disabled or
   * deleted anywhere refuses the next read; the unwrapped key itself is kept for a short time (read-cache.ts).
   */
  async function readDataKey(view: ReadView, scope: Scope, blob: Buffer, context: string): Promise<Buffer> {
    const parts = blobParts(blob);
    const row = await usableKey(scope, parts.keyId, store.db, (keyId) => keyForRead(view, scope, keyId));
    const kept = cache.dataKey(context, blob);
    if (kept) return kept;
    const plaintext = await openBlob(store.db, row, parts, Buffer.from(context));
    cache.keepDataKey(context, blob, row.key_id, plaintext);
    return plaintext;
  }

  /** New material for a key (old versions stay for decryption); the caller holds the key row locked. */
  async function rotateMaterial(tx: Tx, row: KeyRow, type: 'AUTOMATIC' | 'ON_DEMAND'): Promise<number> {
    const version = row.material_version + 1;
    const t = now();
    await keys.insertMaterial(tx, { key_id: row.key_id, material_version: version, material_sealed: sealMaterial(row.key_id, version, newKey()), created_at: t, rotation_type: type });
    const patch: Partial<KeyRow> = { material_version: version };
    // An on-demand rotation leaves the automatic schedule alone, as in AWS.
    if (type === 'AUTOMATIC' && row.rotation_period_days) patch.next_rotation_at = t + row.rotation_period_days * DAY_MS;
    await keys.updateKey(tx, row.key_id, patch);
    forget(row.key_id);
    return version;
  }

  /**
   * Root-key rotation: every material version opened with `from` and sealed with `to`, in the caller's
   * transaction. The material itself does not change, so no ciphertext or wrapped data key does either.
   */
  async function rewrapMaterials(tx: Tx, from: RootKey, to: RootKey): Promise<number> {
    const rows = await keys.listAllMaterials(tx);
    for (const row of rows) {
      const aad = `${row.key_id}:${row.material_version}`;
      const material = from.open(row.material_sealed, aad);
      await keys.resealMaterial(tx, row.key_id, row.material_version, to.seal(material, aad));
      material.fill(0);
    }
    return rows.length;
  }

  /**
   * Wipes what this process holds of a key after a change: its unwrapped data keys, and with `material` its
   * opened material (a destroyed key). Its row needs nothing: the change moved the store's change token.
   */
  function forget(keyId: string, material = false): void {
    cache.dropDataKeys(keyId);
    if (!material) return;
    for (const [cacheKey, value] of materialCache) {
      if (!cacheKey.startsWith(`${keyId}:`)) continue;
      value.fill(0);
      materialCache.delete(cacheKey);
    }
  }

  /**
   * Does a grant of the key allow `operation` (a GrantOperation name) to the principal, for a request with this
   * encryption context? Asked only after the policies did not allow a call: by the KMS API
   * (grant-authorization.ts) and by Secrets Manager on a caller's behalf. `db`: the caller's transaction, if any.
   */
  async function grantAllows(keyId: string, principalArn: string, operation: string, context: Record<string, string> | undefined, db: Executor = store.db): Promise<boolean> {
    return (await grantsTo(db, keyId, principalArn)).some((grant) => grantPermits(grant, operation, context));
  }

  /** Wipes every opened material and data key this process holds. */
  function clearCache(): void {
    for (const value of materialCache.values()) value.fill(0);
    materialCache.clear();
    cache.dropDataKeys();
  }

  return {
    resolve,
    requireKey,
    lockForUse,
    defaultSecretsKey,
    createKey,
    assertUsable,
    wrap,
    unwrap,
    generateDataKey,
    wrapDataKey,
    decryptDataKey,
    rotateMaterial,
    rewrapMaterials,
    ...createKeySweep({ store, now, rotateMaterial, forget }),
    // Key policies: what both the KMS API and Secrets Manager authorize a key's use with.
    ...createKeyAccess(),
    readDataKey,
    keyForRead,
    forget,
    keyArn,
    clearCache,
    grantAllows,
    defaultAlias: DEFAULT_SECRETS_ALIAS,
  };
}
