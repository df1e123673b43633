// Runs the real `coffer` binary (node cli/bin/coffer.js) as a child process against a server started in this
// process, with an environment that holds only what a test gives it (no AWS_* of the machine, no IMDS).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer, type TestServerOptions } from '../../../server/test/support/test-server.ts';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(REPO, 'cli', 'bin', 'coffer.js');
/** An endpoint where nothing listens: a usage error must exit 252 before trying it (else it would be 255). */
export const DEAD_ENDPOINT = 'http://127.0.0.1:9';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export type Env = Record<string, string | undefined>;

/** The machine's environment without its AWS_ and COFFER_ settings, plus `extra`. */
export function cleanEnv(extra: Env = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('COFFER_')));
  env.AWS_EC2_METADATA_DISABLED = 'true';
  env.TZ = 'UTC';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<Run>;
}

export function spawnProcess(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string, cwd?: string): Spawned {
  const child = spawn(file, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  child.stdin!.end(input ?? '');
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
  return { child, done };
}

export function coffer(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return spawnProcess(process.execPath, [BIN, ...args], env, input).done;
}

export interface CliServer {
  server: TestServer;
  /** The environment for the child: the server's `coffer` profile and endpoint. */
  env: NodeJS.ProcessEnv;
  run(args: string[], extra?: Env, input?: string): Promise<Run>;
  /** Runs and requires exit 0; returns parsed JSON stdout (or {} when empty). */
  json(args: string[], extra?: Env): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startCliServer(options: TestServerOptions = {}): Promise<CliServer> {
  const server = await startTestServer(options);
  const env = cleanEnv({
    AWS_SHARED_CREDENTIALS_FILE: join(server.dataDir, 'credentials'),
    AWS_PROFILE: 'coffer',
    AWS_CONFIG_FILE: join(server.dataDir, 'no-aws-config'),
    COFFER_ENDPOINT: server.endpoint,
  });
  const run = (args: string[], extra: Env = {}, input?: string) => coffer(args, cleanEnvFrom(env, extra), input);
  return {
    server,
    env,
    run,
    async json(args, extra = {}) {
      const r = await run(args, extra);
      if (r.code !== 0) throw new Error(`coffer ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
      return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
    },
    close: () => server.close(),
  };
}

export function cleanEnvFrom(base: NodeJS.ProcessEnv, extra: Env): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Writes a shared credentials file holding several named profiles. */
export function writeProfiles(path: string, profiles: Record<string, { accessKeyId: string; secretAccessKey: string }>): void {
  writeFileSync(
    path,
    Object.entries(profiles)
      .map(([name, c]) => `[${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n`)
      .join('\n'),
    { mode: 0o600 },
  );
}
