// Calls to another Coffer deployment (a peer serving a replica region, COFFER_PEERS): AWS JSON 1.1 over POST /,
// signed with SigV4 for the admin API (service `coffer`) and the peer's region, with the peer principal's
// credentials. Values travel in these requests, so a peer URL is https (trusting the system's CAs and the
// operator's COFFER_PEER_CA) or http on a loopback address only (config.ts refuses anything else).
// The answer is classified for the pusher: refused (the peer answered a 4xx AWS error: its code and message),
// or unavailable (no connection, a timeout, a 5xx or throttling: try again later). Never a credential in a message.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signRequest, type SigningCredentials } from '../auth/sigv4/index.ts';

export interface PeerEndpoint {
  url: string;
  credentials: SigningCredentials;
}

export type PeerAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; refused: boolean; code?: string; message: string };

export interface PeerClientOptions {
  peers: ReadonlyMap<string, PeerEndpoint>;
  /** PEM of CAs to trust besides the system's */
  ca?: string;
  timeoutMs?: number;
  now?: () => number;
}

export function createPeerClient(options: PeerClientOptions) {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? Date.now;

  /** Calls CofferAdmin.<operation> on the peer serving `region`. */
  function call(region: string, operation: string, input: unknown): Promise<PeerAnswer> {
    const peer = options.peers.get(region);
    if (!peer) return Promise.resolve({ ok: false, refused: true, message: `No peer deployment serves Region ${region}.` });
    const url = new URL(peer.url);
    const body = Buffer.from(JSON.stringify(input));
    const headers = signRequest(
      { host: url.host, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `CofferAdmin.${operation}` }, body },
      peer.credentials,
      region,
      'coffer',
      new Date(now()),
    );
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(
        { host: url.hostname, port: url.port || undefined, path: '/', method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, timeout: timeoutMs, ...(options.ca ? { ca: options.ca } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => resolve({ ok: false, refused: false, message: err.message }));
          res.on('end', () => resolve(classify(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) => resolve({ ok: false, refused: false, message: err.message }));
      req.end(body);
    });
  }

  return { call };
}

export type PeerClient = ReturnType<typeof createPeerClient>;

function classify(status: number, text: string): PeerAnswer {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return { ok: false, refused: false, message: `the peer answered HTTP ${status} with a body that is not JSON` };
  }
  if (status >= 200 && status < 300) return { ok: true, body: parsed };
  const code = String(parsed.__type ?? `HTTP ${status}`).split('#').pop()!;
  const message = String(parsed.message ?? parsed.Message ?? '');
  const retry = status >= 500 || status === 429 || /Throttl/.test(code);
  // The peer's own message is the StatusMessage (AWS's text for a name taken there, for one).
  return { ok: false, refused: !retry, code, message: message !== '' ? message : code };
}
