// A Coffer server in a child process, as the HTTP benchmarks run it: a checkout's `coffer server` on a free port
// with a data directory of its own (and a database of its own when given one), the bench secrets created, the
// signer of the caller, and GetSecretValue requests for them signed once (a signature stays valid for 15 minutes,
// longer than any run of the read-only benchmarks). Also the CPU time a process tree has used.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { smithySigner } from '../src/auth/sigv4/test-signer.ts';
import { readCredentials } from '../test/support/test-server.ts';
import { benchUser, createBenchSecrets, signedHeaders } from './bench-secrets.ts';
import type { LoadRequest } from './wrk-load.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves with the first match of `pattern` in the child's standard output. */
export function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let found = false;
    // Keeps reading once found (a server logs every request: a pipe left full would stall it) without keeping it.
    child.stdout!.on('data', (d: Buffer) => {
      if (found) return;
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        found = true;
        out = '';
        resolve(m);
      }
    });
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before it was ready:\n${out}`)));
  });
}

/** CPU time so far of a process and its descendants (worker processes), in microseconds (Linux /proc; undefined elsewhere). */
export function cpuMicros(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    let ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 per second)
    for (const child of childPids(pid!)) ticks += (cpuMicros(child) ?? 0) / 10_000;
    return ticks * 10_000;
  } catch {
    return undefined;
  }
}

function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

/** Every process below `pid` (a server's workers), from /proc. */
export function descendantPids(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendantPids(child)]);
}

/** The reference: bare-server.ts in a child process, answering every request with a JSON body of `bytes` bytes. */
export interface BareServer {
  process: ChildProcess;
  port: number;
  stop(): void;
}

export async function startBareServer(root: string, bytes: number): Promise<BareServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/bench/bare-server.ts'), String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number((await waitFor(child, /listening (\d+)/))[1]);
  return { process: child, port, stop: () => child.kill() };
}

export interface BenchServer {
  process: ChildProcess;
  endpoint: string;
  port: number;
  /** the bench secrets' names */
  names: string[];
  /** signs as the caller (the admin credential or the bench user), for requests signed when sent */
  signer: ReturnType<typeof smithySigner>;
  /** one signed GetSecretValue per bench secret */
  requests: LoadRequest[];
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** the checkout whose cli/bin/coffer.js runs */
  root: string;
  workers: string;
  secrets: number;
  /** `user`: sign as an IAM user whose identity policy is evaluated on every call (bench-secrets.ts) */
  principal: 'root' | 'user';
  /** what the bench user may do (bench-secrets.ts benchUser; default: GetSecretValue only) */
  actions?: string[];
  /** a PostgreSQL database for the store (`--database-url`); SQLite in the data directory without one */
  databaseUrl?: string;
  nodeArgs?: string[];
  /** a file that receives the server's standard output (its log) */
  logFile?: string;
  /** serve HTTPS with this certificate (the bench's clients trust `caPem`) */
  tls?: { certFile: string; keyFile: string; caPem: string };
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(options.root, 'cli/bin/coffer.js'), 'server', '--data-dir', dataDir, '--port', String(port), '--workers', options.workers, ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []), ...(options.tls ? ['--tls-cert', options.tls.certFile, '--tls-key', options.tls.keyFile] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (options.logFile) child.stdout!.pipe(createWriteStream(options.logFile));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(child, /Coffer listening on/);
    const endpoint = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    const credentials = readCredentials(join(dataDir, 'credentials'));
    const tls = options.tls ? { requestHandler: { httpsAgent: { ca: options.tls.caPem } } } : {};
    const client = new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials, ...tls });
    const names = await createBenchSecrets(client, options.secrets);
    client.destroy();
    const signer = smithySigner(options.principal === 'user' ? await benchUser(endpoint, port, credentials, options.actions) : credentials, 'us-east-1', 'secretsmanager');
    const requests: LoadRequest[] = [];
    for (const name of names) {
      const body = JSON.stringify({ SecretId: name });
      requests.push({ headers: await signedHeaders(signer, port, 'secretsmanager.GetSecretValue', body), body });
    }
    return { process: child, endpoint, port, names, signer, requests, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
