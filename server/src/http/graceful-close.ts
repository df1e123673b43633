// Stopping the HTTP server without cutting requests: it stops accepting connections at once, lets the
// requests under way finish (a request still sending its body included), then closes each connection as it
// falls idle, and cuts whatever is left when the time is up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from './server.ts';

/** How often connections that have fallen idle are closed while draining. */
const IDLE_SWEEP_MS = 50;

/** Resolves once every connection is closed: on its own, or cut at `timeoutMs`. */
export function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // A request that arrives now on an open keep-alive connection is answered, with `Connection: close`, so
    // that its client opens no further request there.
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // close() stops listening now and calls back once the last connection has closed.
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
