// The part of a KMS that Secrets Manager needs: the default key per account and region, resolving a
// KmsKeyId (key id, key ARN, alias name or alias ARN), and wrapping / unwrapping per-version data keys.
// Key material is sealed by the root key in the database and cached here once opened (material never
// changes for a given key id and material version).
import { randomUUID } from 'node:crypto';
import { newKey, open, seal, CryptoError } from '../../crypto/aead.ts';
import type { RootKey } from '../../crypto/root-key.ts';
import type { Executor, Store } from '../../store/db.ts';
import { isUniqueViolation } from '../../store/db.ts';
import { decodeBlob, encodeBlob } from './ciphertext-blob.ts';
import * as keys from './key-store.ts';
import type { KeyRow, Scope } from './key-store.ts';

export const DEFAULT_SECRETS_ALIAS = 'alias/aws/secretsmanager';
const KEY_ROW_TTL_MS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_ARN = /^arn:aws:kms:([^:]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:([^:]+):(\d{12}):(alias\/.+)$/;

export interface ResolvedKey {
  keyId: string;
  arn: string;
  state: string;
}

/** Why a key could not be used; the caller turns it into its own service's error type. */
export class KeyUnavailableError extends Error {
  constructor(
    readonly reason: 'invalid-id' | 'not-found' | 'disabled' | 'pending-deletion' | 'bad-ciphertext',
    message: string,
  ) {
    super(message);
  }
}

export interface KeyServiceDeps {
  store: Store;
  rootKey: RootKey;
  now: () => number;
}

export type KeyService = ReturnType<typeof createKeyService>;
export type { KeyRow };

export function createKeyService({ store, rootKey, now }: KeyServiceDeps) {
  const materialCache = new Map<string, Buffer>();
  // Key rows seen by reads outside transactions, kept briefly: the GetSecretValue hot path then needs no
  // key query. A key state change made through this server clears the entry; one made through another
  // server sharing the database is seen within KEY_ROW_TTL_MS.
  const rowCache = new Map<string, { row: KeyRow; until: number }>();

  function keyArn(scope: Scope, keyId: string): string {
    return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
  }

  function material(row: KeyRow): Buffer {
    const cacheKey = `${row.key_id}:${row.material_version}`;
    let value = materialCache.get(cacheKey);
    if (!value) {
      value = rootKey.open(row.material_sealed, cacheKey);
      materialCache.set(cacheKey, value);
    }
    return value;
  }

  async function createKey(db: Executor, scope: Scope, description: string, keyManager: 'AWS' | 'CUSTOMER'): Promise<KeyRow> {
    const keyId = randomUUID();
    const row: KeyRow = {
      key_id: keyId,
      account_id: scope.accountId,
      region: scope.region,
      arn: keyArn(scope, keyId),
      description,
      key_state: 'Enabled',
      key_manager: keyManager,
      created_at: now(),
      deletion_date: null,
      material_sealed: rootKey.seal(newKey(), `${keyId}:1`),
      material_version: 1,
    };
    await keys.insertKey(db, row);
    return row;
  }

  /**
   * The account's aws/secretsmanager key, created on first use (concurrent creators converge on one).
   * Writers call this before opening their transaction: on SQLite a nested transaction would wait on itself.
   */
  async function defaultSecretsKey(scope: Scope, db: Executor = store.db): Promise<KeyRow> {
    const existing = await keys.findAliasTarget(db, scope, DEFAULT_SECRETS_ALIAS);
    if (existing) return (await keys.findKeyById(db, scope, existing))!;
    if (db !== store.db) throw new Error('the default key must be created before the transaction that uses it');
    try {
      return await store.db.transaction().execute(async (tx) => {
        const row = await createKey(tx, scope, 'Default key that protects my Secrets Manager data when no other key is defined', 'AWS');
        await keys.insertAlias(tx, scope, DEFAULT_SECRETS_ALIAS, row.key_id, now());
        return row;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await keys.findAliasTarget(store.db, scope, DEFAULT_SECRETS_ALIAS);
      return (await keys.findKeyById(store.db, scope, winner!))!;
    }
  }

  /** Resolves a KmsKeyId as Secrets Manager accepts it; undefined means the default key. */
  async function resolve(scope: Scope, keyRef: string | undefined, db: Executor = store.db): Promise<KeyRow> {
    if (keyRef === undefined || keyRef === '' || keyRef === DEFAULT_SECRETS_ALIAS) return defaultSecretsKey(scope, db);
    let keyId: string | undefined;
    const keyArnMatch = KEY_ARN.exec(keyRef);
    const aliasArnMatch = ALIAS_ARN.exec(keyRef);
    if (UUID.test(keyRef)) keyId = keyRef;
    else if (keyArnMatch) {
      if (keyArnMatch[1] !== scope.region || keyArnMatch[2] !== scope.accountId) throw notFound(keyRef);
      keyId = keyArnMatch[3];
    } else if (keyRef.startsWith('alias/') || aliasArnMatch) {
      if (aliasArnMatch && (aliasArnMatch[1] !== scope.region || aliasArnMatch[2] !== scope.accountId)) throw notFound(keyRef);
      const alias = aliasArnMatch ? aliasArnMatch[3] : keyRef;
      if (alias === DEFAULT_SECRETS_ALIAS) return defaultSecretsKey(scope, db);
      keyId = await keys.findAliasTarget(db, scope, alias);
      if (!keyId) throw new KeyUnavailableError('not-found', `Alias ${aliasArnMatch ? keyRef : `arn:aws:kms:${scope.region}:${scope.accountId}:${alias}`} is not found.`);
    } else {
      throw new KeyUnavailableError('invalid-id', `Invalid keyId ${keyRef}`);
    }
    const row = await keys.findKeyById(db, scope, keyId);
    if (!row) throw notFound(keyArn(scope, keyId));
    return row;
  }

  function notFound(ref: string): KeyUnavailableError {
    return new KeyUnavailableError('not-found', `Key '${ref}' does not exist`);
  }

  function assertUsable(row: KeyRow): void {
    if (row.key_state === 'Enabled') return;
    if (row.key_state === 'PendingDeletion') throw new KeyUnavailableError('pending-deletion', `${row.arn} is pending deletion.`);
    throw new KeyUnavailableError('disabled', `${row.arn} is disabled.`);
  }

  /** A fresh data key and its wrapped form; the context is bound into the wrapping as AAD. */
  function generateDataKey(row: KeyRow, context: string): { plaintext: Buffer; blob: Buffer } {
    assertUsable(row);
    const plaintext = newKey();
    const sealed = seal(material(row), plaintext, Buffer.from(context));
    return { plaintext, blob: encodeBlob({ keyId: row.key_id, materialVersion: row.material_version, sealed }) };
  }

  async function decryptDataKey(scope: Scope, blob: Buffer, context: string, db: Executor = store.db): Promise<Buffer> {
    const parts = decodeBlob(blob);
    if (!parts) throw new KeyUnavailableError('bad-ciphertext', 'The ciphertext is not a valid KMS ciphertext blob.');
    const row = await findKeyForRead(db, scope, parts.keyId);
    if (!row) throw notFound(keyArn(scope, parts.keyId));
    assertUsable(row);
    try {
      return open(material(row), parts.sealed, Buffer.from(context));
    } catch (err) {
      if (err instanceof CryptoError) throw new KeyUnavailableError('bad-ciphertext', 'The ciphertext failed authentication.');
      throw err;
    }
  }

  async function findKeyForRead(db: Executor, scope: Scope, keyId: string): Promise<KeyRow | undefined> {
    if (db !== store.db) return keys.findKeyById(db, scope, keyId);
    const t = Date.now();
    const cached = rowCache.get(keyId);
    if (cached && cached.until > t && cached.row.account_id === scope.accountId && cached.row.region === scope.region) return cached.row;
    const row = await keys.findKeyById(db, scope, keyId);
    if (row) {
      if (rowCache.size >= 10_000) rowCache.clear();
      rowCache.set(keyId, { row, until: t + KEY_ROW_TTL_MS });
    }
    return row;
  }

  function clearCache(): void {
    materialCache.clear();
    rowCache.clear();
  }

  return { resolve, defaultSecretsKey, generateDataKey, decryptDataKey, keyArn, clearCache, defaultAlias: DEFAULT_SECRETS_ALIAS };
}
