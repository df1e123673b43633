// GET /_coffer/health and GET /_coffer/ready, for process supervisors and load balancers: no signature, and
// nothing in the answers that an anonymous caller should not learn.
//   health: the process is alive and answering (no I/O: a slow database must not make a supervisor restart it).
//   ready:  it can serve requests now (readiness.ts): 200, or 503 with the failed checks.
import type { Readiness } from './readiness.ts';

export interface ProbeRoutes {
  ready(): Promise<Readiness>;
  dev: boolean;
}

export interface ProbeAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The answer to a probe, or undefined when the request is not one. */
export function probeAnswer(method: string | undefined, path: string, probes: ProbeRoutes): Promise<ProbeAnswer> | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/_coffer/health') return Promise.resolve({ status: 200, body: { status: 'ok', dev: probes.dev } });
  if (path === '/_coffer/ready') {
    return probes.ready().then((r) => (r.ready ? { status: 200, body: { status: 'ready' } } : { status: 503, body: { status: 'unavailable', reasons: r.reasons } }));
  }
  return undefined;
}
