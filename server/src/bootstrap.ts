// First start: the account id, the root-key check, and the admin credential written as the `coffer`
// profile of an AWS shared-credentials file with owner-only permissions.
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sealedRootKeyId, type RootKey, type RootKeyring } from './crypto/root-key.ts';
import type { Db, Executor } from './store/db.ts';
import { getMeta, initMeta, setMeta } from './store/meta.ts';

export const CREDENTIALS_FILE = 'credentials';
export const PROFILE = 'coffer';
const ROOT_CHECK = 'coffer-root-key-check';

/** The value stored in meta.root_key_check: only the root key that sealed it opens it. */
export function sealRootCheck(rootKey: RootKey): string {
  return rootKey.seal(Buffer.from(ROOT_CHECK), 'check').toString('base64');
}

/**
 * Refuses to start with root keys other than the one the database is sealed with, and makes that key the
 * one this server seals with (the key file may list a newer key first: a rotation that did not commit, or
 * one staged by the operator). The check value names its key; one from before root key ids (format 1) is
 * opened by trying each key, then stored again naming it.
 */
export async function checkRootKey(db: Db, keyring: RootKeyring): Promise<void> {
  let stored = await getMeta(db, 'root_key_check');
  if (stored === undefined) {
    // Another server's first start may store its check between our read and our write: then that one is
    // the store's root key, and ours has to match it like on any later start.
    const mine = sealRootCheck(keyring);
    stored = await initMeta(db, 'root_key_check', mine);
    if (stored === mine) return;
  }
  const named = sealedRootKeyId(Buffer.from(stored, 'base64'));
  const opener = keyOpeningCheck(keyring, stored);
  if (opener === undefined) {
    const which = named ? ` (the database is sealed with root key ${named}; this server holds ${keyring.ids().join(', ')})` : '';
    throw new Error(`the root key does not match this database: start with the root key (COFFER_ROOT_KEY or the key file) it was created with${which}`);
  }
  keyring.use(opener);
  if (named === undefined) await setMeta(db, 'root_key_check', sealRootCheck(keyring));
}

/**
 * The id of the held root key that opens a stored check value (meta.root_key_check), or undefined. The value
 * names its key; one from before root key ids (format 1) is opened by trying each key.
 */
export function keyOpeningCheck(keyring: RootKeyring, stored: string): string | undefined {
  const sealed = Buffer.from(stored, 'base64');
  const named = sealedRootKeyId(sealed);
  const opener = named === undefined ? keyring.ids().find((id) => opens(keyring.only(id), sealed)) : named;
  return opener !== undefined && keyring.has(opener) && opens(keyring.only(opener), sealed) ? opener : undefined;
}

/** The id of the root key the database is sealed with now (named by its check value). */
export async function storedRootKeyId(db: Executor): Promise<string | undefined> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'root_key_check').executeTakeFirst();
  return row ? sealedRootKeyId(Buffer.from(row.value, 'base64')) : undefined;
}

function opens(key: RootKey, sealed: Buffer): boolean {
  try {
    key.open(sealed, 'check');
    return true;
  } catch {
    return false;
  }
}

export async function resolveAccountId(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const stored = await getMeta(db, 'account_id');
  if (stored) return stored;
  const generated = String(randomInt(100_000, 1_000_000)) + String(randomInt(100_000, 1_000_000));
  return initMeta(db, 'account_id', generated);
}

export interface AdminCredential {
  accessKeyId: string;
  credentialsFile: string;
  created: boolean;
}

/** The access-key store as start-up uses it (auth/'s store; app.ts passes it), so that this file stays below auth/. */
export interface CredentialIssuer {
  countForPrincipal(arn: string): Promise<number>;
  create(principal: { accountId: string; arn: string }, now: number): Promise<{ accessKeyId: string; secretAccessKey: string }>;
}

/** Creates the account's admin access key on first start and writes it to the data directory. */
export async function ensureAdminCredential(
  keys: CredentialIssuer,
  accountId: string,
  dataDir: string,
  now: number,
): Promise<AdminCredential | undefined> {
  const arn = `arn:aws:iam::${accountId}:root`;
  if ((await keys.countForPrincipal(arn)) > 0) return undefined;
  const record = await keys.create({ accountId, arn }, now);
  const credentialsFile = writeCredentialsFile(dataDir, record);
  return { accessKeyId: record.accessKeyId, credentialsFile, created: true };
}

/** Writes an access key as the `coffer` profile of `<dataDir>/credentials`, readable only by its owner; returns the path. */
export function writeCredentialsFile(dataDir: string, key: { accessKeyId: string; secretAccessKey: string }): string {
  const credentialsFile = join(dataDir, CREDENTIALS_FILE);
  const text = `[${PROFILE}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`;
  writeFileSync(credentialsFile, text, { mode: 0o600 });
  return credentialsFile;
}
