// A throwaway PostgreSQL cluster that checks passwords (scram-sha-256 for every connection, no trust), made
// with the installed server binaries on a free port and removed afterwards: a server with trust
// authentication would accept any password and prove nothing about rotation.
// initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../store/server-process.ts';

export interface ScramCluster {
  host: string;
  port: number;
  /** the cluster's superuser, logging in with a password */
  admin: { username: string; password: string };
  stop(): Promise<void>;
}

function binDir(): string | undefined {
  const given = process.env.COFFER_TEST_PG_BIN;
  if (given) return existsSync(join(given, 'initdb')) ? given : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** Why the cluster cannot be made here, or undefined. Throws under CI (CI=true) instead of skipping. */
export function scramClusterSkipReason(): string | undefined {
  let reason: string | undefined;
  if (!binDir()) reason = 'no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin (set COFFER_TEST_PG_BIN)';
  else if (userInfo().uid === 0 && spawnSync('id', ['postgres']).status !== 0) reason = 'running as root and there is no postgres user to own a cluster';
  if (reason && process.env.CI === 'true') throw new Error(`${reason}: required under CI`);
  return reason;
}

export async function startScramCluster(): Promise<ScramCluster> {
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'coffer-pg-'));
  const data = join(dir, 'data');
  const admin = { username: 'coffer_admin', password: randomBytes(18).toString('base64url') };
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${admin.password}\n`, { mode: 0o600 });
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const out = spawnSync(file, argv, { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${cmd} failed: ${out.stderr || out.stdout}`);
  };
  let port: number;
  try {
    run('initdb', ['-D', data, '-U', admin.username, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync']);
    port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  } catch (err) {
    if (existsSync(join(data, 'postmaster.pid'))) spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    admin,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
