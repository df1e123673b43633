// The agent's HTTP interface, as AWS's agent serves it: GET /secretsmanager/get?secretId=…[&versionId=…]
// [&versionStage=…][&refreshNow=true|false|1|0] and GET <path_prefix><secretId>?… (default /v1/), GET /ping.
// Checked in AWS's order: the concurrent-request limit (429 "Connection limit exceeded"), then, except for
// /ping, X-Forwarded-For (400 "Forwarded": never served through a proxy) and the SSRF token in one of
// ssrf_headers (403 "Bad Token"), then the method (405 "Not allowed"), then the path (404 "Not found").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AgentAnswer } from './agent-answer.ts';
import type { SecretRequest } from './secret-cache.ts';

export interface AgentServerOptions {
  address: string;
  port: number;
  token: string;
  ssrfHeaders: string[];
  pathPrefix: string;
  maxConn: number;
  get: (request: SecretRequest, refreshNow: boolean) => Promise<AgentAnswer>;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The secret request a URL names (query style or path style), or a 400 Refusal as AWS's agent words it. */
export function parseSecretUrl(url: URL, pathPrefix: string): { request: SecretRequest; refreshNow: boolean } | undefined {
  const query = url.pathname === '/secretsmanager/get';
  if (!query && !url.pathname.startsWith(pathPrefix)) return undefined;
  let secretId = query ? '' : decodePath(url.pathname.slice(pathPrefix.length));
  if (!query && secretId === '') throw new Refusal(400, 'missing secret ID');
  const request: SecretRequest = { secretId };
  let refreshNow = false;
  for (const [key, value] of url.searchParams) {
    if (key === 'secretId' && query) secretId = value;
    else if (key === 'versionId') request.versionId = value;
    else if (key === 'versionStage') request.versionStage = value;
    else if (key === 'refreshNow') refreshNow = refreshValue(value);
    else throw new Refusal(400, `unknown parameter: ${key}`);
  }
  if (secretId === '') throw new Refusal(400, 'missing parameter secretId');
  request.secretId = secretId;
  return { request, refreshNow };
}

function decodePath(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Refusal(400, 'missing secret ID');
  }
}

function refreshValue(value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Refusal(400, 'invalid refreshNow value');
}

export function createAgentServer(options: AgentServerOptions): Server {
  const token = Buffer.from(options.token);
  const headers = options.ssrfHeaders.map((h) => h.toLowerCase());
  let active = 0;

  function tokenMatches(req: IncomingMessage): boolean {
    return headers.some((name) => {
      const given = req.headers[name];
      if (typeof given !== 'string') return false;
      const bytes = Buffer.from(given);
      return bytes.length === token.length && timingSafeEqual(bytes, token);
    });
  }

  async function answer(req: IncomingMessage): Promise<AgentAnswer> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ping = url.pathname === '/ping';
    // /ping gets a little headroom beyond the limit, as with AWS's agent, so health checks pass under load.
    if (active > options.maxConn + (ping ? 2 : 0)) return { status: 429, body: 'Connection limit exceeded' };
    if (!ping) {
      if (req.headers['x-forwarded-for'] !== undefined) {
        options.log('warn', 'refused a request with an X-Forwarded-For header');
        return { status: 400, body: 'Forwarded' };
      }
      if (!tokenMatches(req)) {
        options.log('warn', 'refused a request without the right SSRF token');
        return { status: 403, body: 'Bad Token' };
      }
    }
    if (req.method !== 'GET') return { status: 405, body: 'Not allowed' };
    if (ping) return { status: 200, body: 'healthy' };
    const parsed = parseSecretUrl(url, options.pathPrefix);
    if (!parsed) return { status: 404, body: 'Not found' };
    return options.get(parsed.request, parsed.refreshNow);
  }

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    active += 1;
    req.resume();
    answer(req)
      .catch((err: unknown) => {
        if (err instanceof Refusal) return { status: err.status, body: err.message };
        options.log('error', `internal error: ${(err as Error).name}`);
        return { status: 500, body: '{"__type":"InternalFailure"}' };
      })
      .then((a) => {
        res.writeHead(a.status, { 'content-length': Buffer.byteLength(a.body) });
        res.end(a.body);
      })
      .finally(() => {
        active -= 1;
      });
  });
}
