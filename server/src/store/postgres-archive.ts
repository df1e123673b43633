// PostgreSQL's side of backup and restore, with PostgreSQL's own tools: pg_dump writes a custom-format archive
// of Coffer's database from one snapshot (a repeatable-read transaction: servers keep reading and writing
// meanwhile), pg_restore loads it into an empty database in one transaction.
import { spawn } from 'node:child_process';
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import pg from 'pg';

/** A pg_dump or pg_restore that failed or is missing; the message carries the tool's own, never a password. */
export class PostgresToolError extends Error {}

/** The URL for a tool's command line without its password (any local user can read command lines), and the password for PGPASSWORD. */
function connection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = '';
  return { url: parsed.toString(), env: { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}) } };
}

/** The URL as messages may show it: the password replaced by ***. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(new PostgresToolError(e.code === 'ENOENT' ? `${tool} is not installed (it comes with PostgreSQL's client tools, e.g. the Debian package postgresql-client)` : `${tool}: ${e.message}`));
    });
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new PostgresToolError(`${tool} failed (exit ${code}): ${toolMessages(tool, Buffer.concat(err).toString('utf8'))}`));
    });
  });
}

/**
 * The tool's own lines of what it printed on stderr: the lines it adds after them ("Command was: …", a COPY
 * error's CONTEXT) can quote a statement or a row of the archive, which an error message must not show.
 */
function toolMessages(tool: string, stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.startsWith(`${tool}:`));
  return lines.length > 0 ? lines.join(' ') : '(no message)';
}

/** Archives the database at `url` into `dest` (owner-only, replaced atomically); returns its size. */
export async function dumpPostgres(url: string, dest: string): Promise<{ bytes: number }> {
  const partial = `${dest}.${process.pid}.partial`;
  // Created owner-only before pg_dump writes to it: pg_dump would create it with the umask's mode.
  closeSync(openSync(partial, 'w', 0o600));
  try {
    const c = connection(url);
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`, `--dbname=${c.url}`], c.env);
    renameSync(partial, dest);
    return { bytes: statSync(dest).size };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/**
 * The root-key check value (meta.root_key_check) in an archive, read without loading it anywhere: pg_restore
 * prints the meta table's rows in COPY's text format (tab-separated; base64 needs no escaping).
 */
export async function archivedRootKeyCheck(file: string): Promise<string | undefined> {
  const text = await run('pg_restore', ['--data-only', '--table=meta', '--file=-', file], process.env);
  for (const line of text.split('\n')) {
    const [key, value] = line.split('\t');
    if (key === 'root_key_check' && value) return value;
  }
  return undefined;
}

/** True when the database at `url` holds no table, view or sequence outside PostgreSQL's own schemas. */
export async function isEmptyDatabase(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
       where s.nspname not in ('pg_catalog', 'information_schema') and s.nspname not like 'pg\\_toast%' and s.nspname not like 'pg\\_temp%'`,
    );
    return Number(rows[0].n) === 0;
  } finally {
    await client.end();
  }
}

/** Loads an archive into the database at `url`, all of it or (one transaction) nothing. */
export async function restorePostgres(file: string, url: string): Promise<void> {
  const c = connection(url);
  await run('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${c.url}`, file], c.env);
}
