// `coffer admin restore`: brings a backup (backup.ts) back into a new data directory (for PostgreSQL: into an
// empty database, the data directory then holding the key file and the admin credential), after checking
// that it is whole: an undamaged Coffer store, sealed with the root key given, every item that key seals
// opening, and the audit trail's hash chain verifying. The check starts the restored store once as a server
// would (migrations included), without listening.
//
// Nothing is left where the restore goes unless every check passed: the data directory is built beside the
// target and renamed into place at the end; a PostgreSQL archive is loaded only once the root key is known
// to open it. Errors reveal nothing of the backup's content: they name files, root key ids (HMACs of the
// keys) and the first audit event that fails.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createApp, storeLocation, type App } from './app.ts';
import { createAccessKeyStore } from './auth/access-keys.ts';
import { CREDENTIALS_FILE, keyOpeningCheck, writeCredentialsFile } from './bootstrap.ts';
import { loadConfig, type Config } from './config.ts';
import { parseRootKeys, readRootKeyFile, ROOT_KEY_FILE, rootKeyring, sealedRootKeyId, writeRootKeyFile, type RootKeyring } from './crypto/root-key.ts';
import { accessKeysOf } from './store/access-key-store.ts';
import { archivedRootKeyCheck, displayUrl, isEmptyDatabase, restorePostgres } from './store/postgres-archive.ts';
import { checkSqliteFile } from './store/sqlite-backup.ts';

export interface RestoreOptions {
  /** the backup file */
  from: string;
  /** the new data directory: it must not exist or be empty */
  dataDir: string;
  /** postgres://…: load a PostgreSQL backup into this database, which must be empty */
  databaseUrl?: string;
  /** the root key file of the data directory the backup was taken from; it is copied into the new one */
  rootKeyFile?: string;
  /** COFFER_ROOT_KEY's value (base64 keys, comma-separated) */
  rootKey?: string;
}

export interface RestoreResult {
  dataDir: string;
  store: 'sqlite' | 'postgres';
  /** the root key the restored store is sealed with */
  rootKeyId: string;
  /** the key file written into the data directory (with --root-key-file) */
  keyFile?: string;
  /** the operator's admin credential, as a first start writes it */
  credentialsFile?: string;
  keyMaterials: number;
  accessKeys: number;
  rotationFunctions: number;
  auditEvents: number;
  auditHeadHash: string;
}

/** Why nothing was restored (or, once a PostgreSQL archive was loaded, what to clean up). */
export class RestoreError extends Error {}

export async function restoreStore(options: RestoreOptions): Promise<RestoreResult> {
  let loadedInto: string | undefined;
  try {
    return await restore(options, (url) => (loadedInto = url));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const outcome = loadedInto
      ? `The database ${displayUrl(loadedInto)} now holds this unverified copy: drop or empty it before restoring again.`
      : 'Nothing was restored.';
    throw new RestoreError(`${reason.replace(/\.?$/, '.')} ${outcome}`, { cause: err });
  }
}

async function restore(options: RestoreOptions, loaded: (url: string) => void): Promise<RestoreResult> {
  const keys = rootKeysOf(options);
  const from = resolve(options.from);
  if (!existsSync(from) || !statSync(from).isFile()) throw new Error(`${from} is not a file`);
  const dataDir = resolve(options.dataDir);
  requireNewDirectory(dataDir);
  const url = options.databaseUrl;
  if (url && !(await isEmptyDatabase(url))) throw new Error(`the database ${displayUrl(url)} is not empty: restore only into a new, empty database`);

  mkdirSync(dirname(dataDir), { recursive: true });
  const staging = mkdtempSync(join(dirname(dataDir), `.${basename(dataDir)}.restoring-`));
  try {
    // The server's configuration for the restored store, from nothing but these options (not the environment).
    const config = loadConfig({ dataDir: staging, databaseUrl: url, rootKey: options.rootKey }, {});
    const check = url ? await archiveCheck(from) : stageSqliteFile(from, config);
    const rootKeyId = requireRootKey(rootKeyring(keys), check);
    if (options.rootKeyFile) writeRootKeyFile(join(staging, ROOT_KEY_FILE), readRootKeyFile(options.rootKeyFile));
    if (url) {
      await restorePostgres(from, url);
      loaded(url);
    }
    const verified = await verifyRestored(config, rootKeyring(keys));
    renameSync(staging, dataDir);
    return {
      dataDir,
      store: url ? 'postgres' : 'sqlite',
      rootKeyId,
      ...(options.rootKeyFile ? { keyFile: join(dataDir, ROOT_KEY_FILE) } : {}),
      ...(verified.credentials ? { credentialsFile: join(dataDir, CREDENTIALS_FILE) } : {}),
      keyMaterials: verified.sealed.materials,
      accessKeys: verified.sealed.accessKeys,
      rotationFunctions: verified.sealed.functions,
      auditEvents: verified.audit.eventsChecked,
      auditHeadHash: verified.audit.head,
    };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** The root keys to open the backup with: the key file's and COFFER_ROOT_KEY's, as a server takes them. */
function rootKeysOf(options: RestoreOptions): Buffer[] {
  const keys: Buffer[] = [];
  if (options.rootKey) keys.push(...parseRootKeys(options.rootKey));
  if (options.rootKeyFile) {
    try {
      keys.push(...readRootKeyFile(resolve(options.rootKeyFile)));
    } catch (err) {
      throw new Error(`cannot read the root key file: ${(err as Error).message}`);
    }
  }
  if (keys.length === 0) {
    throw new Error(
      'a backup opens only with the root key it is sealed with: give --root-key-file (the root.key of the data directory it was taken from) or set COFFER_ROOT_KEY',
    );
  }
  return keys;
}

function requireNewDirectory(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: restore only into a new or empty data directory`);
}

/** Copies the backup into the staging data directory (owner-only) and checks it; returns its root-key check value. */
function stageSqliteFile(from: string, config: Config): string {
  const location = storeLocation(config);
  if (location.kind !== 'sqlite') throw new Error('not a SQLite location');
  copyFileSync(from, location.path);
  chmodSync(location.path, 0o600);
  try {
    return checkSqliteFile(location.path).rootKeyCheck;
  } catch (err) {
    throw new Error(`${from} is not a Coffer backup that can be restored: ${(err as Error).message}`);
  }
}

async function archiveCheck(from: string): Promise<string> {
  const check = await archivedRootKeyCheck(from);
  if (check === undefined) throw new Error(`${from} is not a Coffer backup of PostgreSQL (its archive holds no root-key check value)`);
  return check;
}

/** The id of the key that opens the store's root-key check value, else an error naming the ids (never a key). */
function requireRootKey(keyring: RootKeyring, check: string): string {
  const opener = keyOpeningCheck(keyring, check);
  if (opener !== undefined) return opener;
  const sealedBy = sealedRootKeyId(Buffer.from(check, 'base64'));
  throw new Error(
    `the root key given does not open this backup: it is sealed with ${sealedBy ? `root key ${sealedBy}` : 'another root key'}, and the keys given are ${keyring.ids().join(', ')}` +
      ' (give the root.key file of the data directory the backup was taken from: it keeps earlier keys after a rotation)',
  );
}

/** Starts the restored store once, without listening, and checks what the backup holds. */
async function verifyRestored(config: Config, keyring: RootKeyring) {
  const app = await createApp(config);
  try {
    let sealed: Awaited<ReturnType<App['checkSealed']>>;
    try {
      sealed = await app.checkSealed();
    } catch (err) {
      throw new Error(`an item sealed by the root key does not open (${(err as Error).message}): the backup is damaged or was altered`);
    }
    const audit = await app.audit.verify();
    if (!audit.valid) {
      const at = audit.problem ? `event ${audit.problem.eventId} (sequence ${audit.problem.seq}): ${audit.problem.problem}` : 'an unknown event';
      throw new Error(`the backup's audit trail does not verify: the first bad event is ${at}`);
    }
    const credentials = app.adminCredential !== undefined || (await restoreAdminCredential(app, keyring, config.dataDir));
    return { sealed, audit, credentials };
  } finally {
    await app.close();
  }
}

/**
 * Writes the operator's admin credential (its root's first active access key) into the data directory, as the
 * first start wrote it: a backup restored after the host was lost is otherwise one nobody can sign in to.
 */
async function restoreAdminCredential(app: App, keyring: RootKeyring, dataDir: string): Promise<boolean> {
  const key = (await accessKeysOf(app.store.db, `arn:aws:iam::${app.accountId}:root`)).find((k) => k.status === 'Active');
  if (!key) return false;
  const record = await createAccessKeyStore(app.store, keyring).find(await app.cache.view(), key.access_key_id);
  if (!record) return false;
  writeCredentialsFile(dataDir, record);
  return true;
}
