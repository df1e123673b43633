// The benchmark's load through wrk (a C load generator, Debian package `wrk`), when the machine has it: its
// own user-space work is ~3–4 µs of CPU per request where autocannon's JavaScript takes ~40–60 (measured with
// /usr/bin/time against the bare server, same minutes), CPU that a 2-core machine otherwise takes from the
// server under test; both pay the kernel's loopback TCP. Every connection cycles through the same signed requests.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface LoadRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

const run = promisify(execFile);

export async function wrkAvailable(): Promise<boolean> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch (err) {
    // wrk prints its usage and exits 1 for --version: it is there.
    return (err as { code?: unknown }).code === 1;
  }
}

/** A Lua script whose request() cycles through the requests, formatted once per thread. */
function script(requests: LoadRequest[]): string {
  const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal for this ASCII
  const specs = requests.map((r) => {
    // wrk adds Host and Content-Length itself; a second Host header would be a different request.
    const headers = Object.entries(r.headers)
      .filter(([name]) => !['host', 'content-length'].includes(name.toLowerCase()))
      .map(([name, value]) => `[${lua(name)}] = ${lua(value)}`);
    return `{ headers = { ${headers.join(', ')} }, body = ${lua(r.body)} }`;
  });
  return `local specs = { ${specs.join(',\n')} }
local formatted = {}
local n = 0
init = function(args)
  for i, s in ipairs(specs) do formatted[i] = wrk.format("POST", "/", s.headers, s.body) end
end
request = function()
  n = n + 1
  return formatted[(n % #formatted) + 1]
end
`;
}

const ms = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];

export async function wrkLoad(url: string, requests: LoadRequest[], connections: number, seconds: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-wrk-'));
  try {
    const file = join(dir, 'requests.lua');
    writeFileSync(file, script(requests));
    const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', file, url], { maxBuffer: 1 << 20 });
    const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? 0);
    const latency = (p: string) => {
      const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(stdout);
      return m ? ms(m[1], m[2]) : NaN;
    };
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
    return {
      rps: number(/Requests\/sec:\s+([\d.]+)/),
      p50: latency('50'),
      p99: latency('99'),
      errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
      non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
