// A Coffer server in its own process, started the way an operator starts it (`coffer server --data-dir`),
// for tests that kill -9 it or run several processes on one data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCredentials } from '../support/test-server.ts';

export const COFFER_BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../cli/bin/coffer.js');

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** stdout and stderr so far */
  output(): string;
  /** A client signed with the admin credential of the data directory. */
  client(): SecretsManagerClient;
  /**
   * kill -9: no shutdown code runs. Resolves once the process is gone. With `ownProcessGroup` the whole group
   * (the primary and its workers) gets the signal at once, as `kill -9 -<pgid>` sends it.
   */
  killHard(): Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago: bind port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface SpawnOptions {
  dataDir: string;
  args?: string[];
  /** an installed `coffer` executable to run instead of this checkout's `node cli/bin/coffer.js` */
  bin?: string;
  /** the working directory (default: this process's) */
  cwd?: string;
  /** COFFER_* settings (the test's own are not passed on) */
  env?: Record<string, string>;
  /** an https server's CA, for client() */
  ca?: string;
  /** Start the server as the leader of a process group of its own, so killHard() reaches its workers too. */
  ownProcessGroup?: boolean;
  /** listen on this port (a restart at the same address) rather than on a free one */
  port?: number;
}

export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  if (options.port !== undefined) return spawnOnce(options, options.port);
  // Another process may take the probed port before the server binds it: try a few ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(options, await freePort());
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(err))) throw err;
    }
  }
}

async function spawnOnce(options: SpawnOptions, port: number): Promise<ServerProcess> {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COFFER_'))), ...options.env };
  const [file, ...binArgs] = options.bin ? [options.bin] : [process.execPath, COFFER_BIN];
  const child = spawn(
    file,
    [...binArgs, 'server', '--data-dir', options.dataDir, '--port', String(port), '--host', '127.0.0.1', ...(options.args ?? [])],
    { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup === true },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const clients: SecretsManagerClient[] = [];
  const signal = (name: NodeJS.Signals, group: boolean) => {
    if (!group) return child.kill(name);
    try {
      process.kill(-child.pid!, name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // the group is gone already
    }
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal('SIGKILL', options.ownProcessGroup === true);
      reject(new Error(`the server did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = () => {
      const m = /Coffer listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${signal ?? code}) before listening:\n${output}`));
    });
  });

  const kill = async (name: NodeJS.Signals, group = false) => {
    clients.forEach((c) => c.destroy());
    if (child.exitCode === null && child.signalCode === null) signal(name, group);
    await exited;
  };
  return {
    url,
    pid: child.pid!,
    child,
    output: () => output,
    client() {
      const c = new SecretsManagerClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: readCredentials(join(options.dataDir, 'credentials')),
        maxAttempts: 1,
        ...(options.ca ? { requestHandler: { httpsAgent: { ca: options.ca } } } : {}),
      });
      clients.push(c);
      return c;
    },
    killHard: () => kill('SIGKILL', options.ownProcessGroup === true),
    stop: () => kill('SIGTERM'),
  };
}
