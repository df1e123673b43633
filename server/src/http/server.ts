// The HTTP face: node:http (node:https with a certificate: tls.ts) with keep-alive, a bounded body reader,
// request ids, the few routes that are not AWS operations (health and readiness: probe-routes.ts, dev reset,
// metrics) and the console's files (GET, static-files.ts). The API itself is one route, POST /, so a framework
// would add a layer to the hot path without removing any code. Every request ends in the observer (its metrics
// and log line).
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import { randomUUID } from 'node:crypto';
import type { Logger, PipelineResponse } from '../protocol/pipeline.ts';
import type { SignedRequest } from '../auth/sigv4/index.ts';
import type { RequestMeta } from '../auth/authenticate.ts';
import { createStaticFiles, type StaticFiles } from './static-files.ts';
import type { MetricsEndpoint } from './metrics-endpoint.ts';
import type { RequestObserver } from './request-observer.ts';
import { probeAnswer, type ProbeRoutes } from './probe-routes.ts';

/** Large enough for a 64 KiB secret of 4-byte characters, JSON-escaped, with room to spare. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * A body over the limit is still read, and dropped, before the 413 goes out: a server that answers and
 * closes while the client is still sending makes the client's TCP stack see a reset or a broken pipe, and
 * the SDKs report a network error (and retry) instead of the 413. Reading is bounded in bytes and time;
 * past either bound the 413 is sent at once and the connection closed.
 */
const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES;
const MAX_DRAIN_MS = 10_000;

export interface HttpRoutes {
  api(request: SignedRequest, requestId: string, meta: RequestMeta): Promise<PipelineResponse>;
  /** GET /_coffer/health and /_coffer/ready */
  probes: ProbeRoutes;
  /** Present only in dev mode. */
  reset?: () => Promise<void>;
  /** The directory of the web console's build, served at / (the composition root passes console/dist) */
  consoleDir: string;
  /** or the console's files as a ready object (tests) */
  staticFiles?: StaticFiles;
  /** GET /metrics */
  metrics: MetricsEndpoint;
  observer: RequestObserver;
  logger: Logger;
}

/** A request whose client went away before its body was read: nginx's "client closed request". */
const CLIENT_CLOSED = 499;

export type Server = HttpServer | HttpsServer;

/** `tls`: serve HTTPS with these settings (tls.ts loadTlsOptions). */
export function createHttpServer(routes: HttpRoutes, tls?: SecureContextOptions): Server {
  const staticFiles = routes.staticFiles ?? createStaticFiles(routes.consoleDir);
  const { observer } = routes;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    const started = observer.start();
    const sourceIp = clientAddress(req);
    readBody(req, MAX_BODY_BYTES, (err, body) => {
      if (body) route(req, res, body, requestId, started, sourceIp);
      else if (err instanceof BodyTooLarge) {
        const type = 'RequestEntityTooLargeException';
        send(res, 413, requestId, { __type: type, Message: `The request body is larger than ${MAX_BODY_BYTES} bytes.` }, ['connection', 'close', 'x-amzn-errortype', type]);
        observer.finish(req, '', requestId, started, 413, { errorType: type }, sourceIp);
      } else {
        res.destroy();
        observer.finish(req, '', requestId, started, CLIENT_CLOSED, {}, sourceIp);
      }
    });
  };
  const server: Server = tls ? createHttpsServer({ ...tls, keepAliveTimeout: 65_000 }, handle) : createServer({ keepAliveTimeout: 65_000 }, handle);
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;

  function route(req: IncomingMessage, res: ServerResponse, body: Buffer, requestId: string, started: number, sourceIp: string | undefined): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (req.method === 'POST' && path === '/') {
      const request = new ApiRequest(req, path, q === -1 ? '' : url.slice(q + 1), body);
      routes
        .api(request, requestId, { sourceIp, secureTransport: (req.socket as TLSSocket).encrypted === true })
        .then(
          (answer) => {
            answerApi(res, answer);
            observer.finish(req, path, requestId, started, answer.status, answer, sourceIp);
          },
          (err: unknown) => {
            failed(res, requestId, err);
            observer.finish(req, path, requestId, started, 500, { errorType: 'InternalFailure' }, sourceIp);
          },
        );
      return;
    }
    routeOther(req, res, path, requestId, sourceIp)
      .catch((err: unknown) => failed(res, requestId, err))
      .then(() => observer.finish(req, path, requestId, started, res.statusCode, undefined, sourceIp));
  }

  function failed(res: ServerResponse, requestId: string, err: unknown): void {
    routes.logger.error('http route failed', { requestId, error: String(err) });
    if (!res.headersSent) send(res, 500, requestId, { __type: 'InternalFailure', Message: 'An internal error occurred.' });
    else res.destroy();
  }

  /** Health and readiness, dev reset, metrics, the console's files. */
  async function routeOther(req: IncomingMessage, res: ServerResponse, path: string, requestId: string, sourceIp: string | undefined): Promise<void> {
    const probe = probeAnswer(req.method, path, routes.probes);
    if (probe) {
      const { status, body } = await probe;
      send(res, status, requestId, body);
      return;
    }
    if (path === '/_coffer/reset' && req.method === 'POST') {
      if (!routes.reset) {
        send(res, 403, requestId, { __type: 'AccessDeniedException', Message: 'POST /_coffer/reset is available only on a server started with --dev.' });
        return;
      }
      await routes.reset();
      send(res, 200, requestId, { status: 'reset' });
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      const answer = await routes.metrics.answer(sourceIp, req.headers.authorization, requestId);
      answer.headers.push('content-length', String(Buffer.byteLength(answer.body)));
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    if (await staticFiles.serve(req.method ?? 'GET', path, res)) return;
    send(res, 404, requestId, { __type: 'UnknownOperationException', Message: `No route for ${req.method} ${path}. The API is POST / with an X-Amz-Target header.` });
  }

  return server;
}

/** A POST / as SigV4 and the pipeline read it. */
class ApiRequest implements SignedRequest {
  readonly method = 'POST';
  readonly rawHeaders: string[];

  constructor(
    private readonly req: IncomingMessage,
    readonly path: string,
    readonly query: string,
    readonly body: Buffer,
  ) {
    this.rawHeaders = req.rawHeaders;
  }

  /** SigV4 and the pipeline read rawHeaders; the header map only for whatever asks for it. */
  get headers(): IncomingMessage['headers'] {
    return this.req.headers;
  }
}

function answerApi(res: ServerResponse, answer: PipelineResponse): void {
  const headers = answer.headers; // the answer's own array, used once: extended in place
  headers.push('content-length', String(Buffer.byteLength(answer.body)));
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** The peer's address; an IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d, which policies write as a.b.c.d. */
function clientAddress(req: IncomingMessage): string | undefined {
  const address = req.socket.remoteAddress;
  return address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** `extra`: more headers, [name, value, ...] */
function send(res: ServerResponse, status: number, requestId: string, payload: unknown, extra: string[] = []): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, ['content-type', 'application/json', 'x-amzn-requestid', requestId, 'content-length', String(Buffer.byteLength(body)), ...extra]);
  res.end(body);
}

class BodyTooLarge extends Error {}

/** Content-Length from rawHeaders: reading req.headers would make node build the whole header map. */
function contentLength(rawHeaders: string[]): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 14 && name.toLowerCase() === 'content-length') return rawHeaders[i + 1];
  }
  return undefined;
}

/**
 * Calls back once: with the whole body, or with the error. A body over `limit` is BodyTooLarge, reported
 * once the client has sent all of it (or MAX_DRAIN_BYTES, or after MAX_DRAIN_MS), so that the answer reaches it.
 */
function readBody(req: IncomingMessage, limit: number, callback: (err: Error | undefined, body?: Buffer) => void): void {
  let called = false;
  let drainTimer: NodeJS.Timeout | undefined;
  const done = (err: Error | undefined, body?: Buffer): void => {
    if (called) return;
    called = true;
    clearTimeout(drainTimer);
    callback(err, body);
  };
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  const overLimit = (): void => {
    tooLarge = true;
    chunks.length = 0;
    drainTimer = setTimeout(() => done(new BodyTooLarge()), MAX_DRAIN_MS).unref();
  };
  const declared = Number(contentLength(req.rawHeaders));
  if (declared > MAX_DRAIN_BYTES) {
    // Not worth reading: answer now, whatever the client makes of the closed connection.
    req.resume();
    done(new BodyTooLarge());
    return;
  }
  if (declared > limit) overLimit();
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (tooLarge) {
      if (size > MAX_DRAIN_BYTES) done(new BodyTooLarge());
      return;
    }
    if (size > limit) overLimit();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) done(new BodyTooLarge());
    else done(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
  req.on('error', (err) => done(err));
}
