// `coffer admin backup`: a consistent copy of the store, taken while servers keep serving. It runs beside the
// server, on the store itself (the data directory's SQLite file, or pg_dump on PostgreSQL), not through the
// API: it then works whether or not a server runs, adds no endpoint that hands out the whole database, and
// needs no more than the store's own access (whoever can read the data directory can copy its files anyway).
// It never needs the root key: everything secret in the store is sealed, and the copy stays sealed.
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { storeLocation } from './app.ts';
import { sealedRootKeyId } from './crypto/root-key.ts';
import { loadConfig } from './config.ts';
import { backupSqliteFile } from './store/sqlite-backup.ts';
import { archivedRootKeyCheck, displayUrl, dumpPostgres } from './store/postgres-archive.ts';

export interface BackupOptions {
  /** the file to write (replaced if it exists) */
  out: string;
  /** as `coffer server` takes them: flags, else COFFER_DATA_DIR / COFFER_DATABASE_URL, else .coffer */
  dataDir?: string;
  databaseUrl?: string;
}

export interface BackupResult {
  file: string;
  store: 'sqlite' | 'postgres';
  bytes: number;
  seconds: number;
  /** the root key the copy is sealed with, the one to keep with it (undefined for a store from before key ids) */
  rootKeyId?: string;
}

/** A backup that could not be taken (the message says why); no file was left behind. */
export class BackupError extends Error {}

export async function backupStore(options: BackupOptions): Promise<BackupResult> {
  const config = loadConfig({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  if (config.dev) throw new BackupError('a dev-mode server (COFFER_DEV) keeps its store in memory: there is nothing to back up');
  const location = storeLocation(config);
  const file = resolve(options.out);
  if (!existsSync(dirname(file))) throw new BackupError(`the directory of ${file} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new BackupError(`${file} is a directory: --out takes a file name`);
  const started = performance.now();
  if (location.kind === 'postgres') {
    const { bytes } = await dumpPostgres(location.url, file);
    const check = await archivedRootKeyCheck(file);
    if (check === undefined) {
      rmSync(file, { force: true });
      throw new BackupError(`the database ${displayUrl(location.url)} holds no Coffer store (no root-key check value)`);
    }
    return { file, store: 'postgres', bytes, seconds: elapsed(started), rootKeyId: sealedRootKeyId(Buffer.from(check, 'base64')) };
  }
  if (file === location.path || file.startsWith(`${location.path}-`)) throw new BackupError(`--out names the live database ${location.path}: choose another file`);
  if (!existsSync(location.path)) {
    throw new BackupError(`there is no Coffer database in ${config.dataDir}: give the server's --data-dir, or --database-url for PostgreSQL`);
  }
  const { bytes, rootKeyCheck } = await backupSqliteFile(location.path, file);
  return { file, store: 'sqlite', bytes, seconds: elapsed(started), rootKeyId: sealedRootKeyId(Buffer.from(rootKeyCheck, 'base64')) };
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since) / 1000;
}
