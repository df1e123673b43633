// `coffer agent` as a child process for tests: its configuration file written to a temporary directory, the
// port it chose read from its start-up line, and raw HTTP to it (fetch), as an application would call it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, spawnProcess, type Run } from './cli.ts';

export const AGENT_TOKEN = 'agent-test-token-0123456789';

export interface AgentProcess {
  url: string;
  /** GET path with the SSRF token (unless headers say otherwise) */
  get(path: string, headers?: Record<string, string>, method?: string): Promise<{ status: number; text: string; json: () => Record<string, unknown> }>;
  stderr(): string;
  stop(): Promise<Run>;
}

/** Starts the agent with this TOML (http_port = 0 added unless given) and environment; rejects if it exits first. */
export async function startAgent(toml: string, env: NodeJS.ProcessEnv): Promise<AgentProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-'));
  const file = join(dir, 'agent.toml');
  writeFileSync(file, /^http_port\s*=/m.test(toml) ? toml : `http_port = 0\n${toml}`);
  const { child, done } = spawnProcess(process.execPath, [BIN, 'agent', '--config', file], { AWS_TOKEN: AGENT_TOKEN, ...env });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the agent did not start within 20 s:\n${err}`)), 20_000);
    child.stderr!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void done.then((r) => {
      clearTimeout(timer);
      reject(new Error(`the agent exited (${r.code ?? r.signal}) before listening:\n${r.stderr}`));
    });
  });
  return {
    url,
    async get(path, headers = { 'X-Aws-Parameters-Secrets-Token': AGENT_TOKEN }, method = 'GET') {
      const res = await fetch(`${url}${path}`, { method, headers });
      const text = await res.text();
      return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
    },
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

/** Asks until `check` holds (every 20 ms); resolves with the milliseconds it took, rejects after `limitMs`. */
export async function until(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
