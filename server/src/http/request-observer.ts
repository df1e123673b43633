// What every request leaves behind: its metrics and one log line. The HTTP server calls start() when a request
// arrives and finish() once when it has answered; nothing else runs per request.
import type { IncomingMessage } from 'node:http';
import type { Log } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';

/** What the API pipeline knows of a call (PipelineResponse carries it); absent for the other routes. */
export interface CallSummary {
  service?: string;
  operation?: string;
  errorType?: string;
  principal?: string;
}

/** The routes besides the API, by path: their metrics label. Any other path is the console's (GET) or unknown. */
const ROUTES: Record<string, string> = {
  '/_coffer/health': 'health',
  '/_coffer/ready': 'ready',
  '/_coffer/reset': 'reset',
  '/metrics': 'metrics',
};

export function createRequestObserver(deps: { metrics: Pick<Metrics, 'request'>; log: Log }) {
  const { metrics, log } = deps;
  let inFlight = 0;

  /** The request's start, for finish(). */
  function start(): number {
    inFlight += 1;
    return performance.now();
  }

  /**
   * `call` for a request the API pipeline answered (or refused before it, as too large); for the other routes,
   * the route is named from the path. Labels are bounded: a target naming no known operation is "unknown".
   */
  function finish(req: IncomingMessage, path: string, requestId: string, started: number, status: number, call?: CallSummary, sourceIp?: string): void {
    inFlight -= 1;
    const ms = performance.now() - started;
    const service = call ? (call.service ?? 'unknown') : 'http';
    const operation = call ? (call.operation ?? 'unknown') : (ROUTES[path] ?? (req.method === 'GET' || req.method === 'HEAD' ? 'console' : 'unknown'));
    metrics.request(service, operation, status, call?.errorType, ms / 1000);
    if (log.isLevelEnabled('info')) {
      log.info(
        {
          requestId,
          service,
          operation,
          principal: call?.principal,
          sourceIp,
          status,
          errorType: call?.errorType,
          latencyMs: Math.round(ms * 1000) / 1000,
        },
        'request',
      );
    }
  }

  return { start, finish, inFlight: () => inFlight };
}

export type RequestObserver = ReturnType<typeof createRequestObserver>;
