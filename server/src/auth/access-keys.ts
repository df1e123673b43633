// Access keys: the id is public, the secret is sealed by the root key in the database. SigV4 needs the secret
// itself to recompute a signature, so find() opens it. A key deleted or set Inactive, by this server or
// another, stops working with the next request: see find().
import { randomBytes } from 'node:crypto';
import { UnknownRootKeyError, type RootKey } from '../crypto/root-key.ts';
import { AwsError } from '../errors/aws-errors.ts';
import * as keyStore from '../store/access-key-store.ts';
import type { Executor, Store } from '../store/db.ts';
import type { ReadView } from '../store/read-cache.ts';

export interface Principal {
  accountId: string;
  arn: string;
  accessKeyId: string;
}

export interface AccessKeyRecord extends Principal {
  secretAccessKey: string;
  active: boolean;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Opened secrets kept for keys in use; past this many the oldest is dropped (and opened again when used). */
const MAX_KEPT = 10_000;

export function newAccessKeyId(): string {
  return 'AKIA' + [...randomBytes(16)].map((b) => ID_ALPHABET[b % 32]).join('');
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

const aad = (accessKeyId: string): string => `access-key:${accessKeyId}`;

/** Sets an entry of a bounded map, dropping the oldest entry when a new one would pass MAX_KEPT. */
function keep<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.has(key) && map.size >= MAX_KEPT) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

export function createAccessKeyStore(store: Store, rootKey: RootKey) {
  // A key id's secret never changes, only its sealing (under a new root key). What was opened is kept per
  // key id, with the sealed bytes it came from: the same bytes need no second opening, and after another
  // server rotated the root key (before this one holds the new key) the secret is still known. Whether the
  // key exists and is Active always comes from the row just read, never from here.
  const opened = new Map<string, { sealed: Buffer; secret: string }>();

  /**
   * The key, its row (secret sealed) read through the request's view of the read cache (store/read-cache.ts):
   * kept while the store's change token stays the same, which every commit by any process or server moves,
   * so a row is never older than the last acknowledged change.
   */
  async function find(view: ReadView, accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = await view.row(['access-key', accessKeyId], () => keyStore.findAccessKey(store.db, accessKeyId));
    if (!row) {
      opened.delete(accessKeyId);
      return undefined;
    }
    return {
      accessKeyId,
      accountId: row.account_id,
      arn: row.principal_arn,
      secretAccessKey: secretOf(accessKeyId, row.secret_sealed),
      active: row.status === 'Active',
    };
  }

  function secretOf(accessKeyId: string, sealed: Buffer): string {
    const known = opened.get(accessKeyId);
    if (known?.sealed.equals(sealed)) return known.secret;
    let secret: string;
    try {
      secret = rootKey.open(sealed, aad(accessKeyId)).toString('utf8');
    } catch (err) {
      if (!(err instanceof UnknownRootKeyError)) throw err;
      if (known) return known.secret;
      throw new AwsError(
        'InternalFailure',
        `The secret of access key ${accessKeyId} is sealed with root key ${err.rootKeyId}, which this server does not hold: the root key was rotated and this server's key file lacks the new key.`,
        500,
        true,
      );
    }
    keep(opened, accessKeyId, { sealed, secret });
    return secret;
  }

  /** Drops the opened secret of a key that was deactivated or deleted (it is not needed any more). */
  function forget(accessKeyId: string): void {
    opened.delete(accessKeyId);
  }

  function clear(): void {
    opened.clear();
  }

  /** A new Active key for the principal; in the caller's transaction when `db` is one. */
  async function create(principal: Omit<Principal, 'accessKeyId'>, now: number, db: Executor = store.db): Promise<AccessKeyRecord> {
    const accessKeyId = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    await keyStore.insertAccessKey(db, {
      access_key_id: accessKeyId,
      account_id: principal.accountId,
      principal_arn: principal.arn,
      secret_sealed: rootKey.seal(Buffer.from(secretAccessKey, 'utf8'), aad(accessKeyId)),
      status: 'Active',
      created_at: now,
    });
    return { ...principal, accessKeyId, secretAccessKey, active: true };
  }

  async function countForPrincipal(arn: string): Promise<number> {
    return (await keyStore.accessKeysOf(store.db, arn)).length;
  }

  /** Root-key rotation: every secret access key opened with `from`, sealed with `to`, in the caller's transaction. */
  async function rewrapSecrets(tx: Executor, from: RootKey, to: RootKey): Promise<number> {
    const rows = await keyStore.listSealedSecrets(tx);
    for (const row of rows) {
      const secret = from.open(row.secret_sealed, aad(row.access_key_id));
      await keyStore.updateSealedSecret(tx, row.access_key_id, to.seal(secret, aad(row.access_key_id)));
      secret.fill(0);
    }
    return rows.length;
  }

  return { find, create, forget, clear, countForPrincipal, rewrapSecrets };
}

export type AccessKeyStore = ReturnType<typeof createAccessKeyStore>;
