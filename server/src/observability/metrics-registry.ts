// Where GET /metrics gets its text. One process (--dev, tests): its own registry. Under --workers, whichever
// worker takes the request asks the primary, which asks every worker for its registry (prom-client's
// AggregatorRegistry: counters and histograms summed, store-wide gauges by max) and answers the sum.
import cluster from 'node:cluster';
import { AggregatorRegistry, Registry, collectDefaultMetrics, type PrometheusContentType } from 'prom-client';

export interface MetricsRegistry {
  registry: Registry;
  /** The metrics in Prometheus's text format: this process's, or every worker's aggregated. */
  text(): Promise<string>;
  contentType: string;
}

interface MetricsRequest {
  kind: 'coffer-metrics-request';
  id: number;
}

interface MetricsAnswer {
  kind: 'coffer-metrics-answer';
  id: number;
  text?: string;
  error?: string;
}

/** The primary waits this long for the workers (prom-client's own timeout is 5 s). */
const ANSWER_TIMEOUT_MS = 10_000;

/** A registry for a process that answers alone (no primary): no process metrics, as tests make many. */
export function localMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  return { registry, text: () => registry.metrics(), contentType: registry.contentType };
}

/** The registry of a server process (--dev, or a worker): with the process's CPU, memory and event-loop metrics. */
export function processMetricsRegistry(): MetricsRegistry {
  if (!cluster.isWorker) {
    const local = localMetricsRegistry();
    collectDefaultMetrics({ register: local.registry });
    return local;
  }
  // Constructed in a worker, an AggregatorRegistry answers the primary's requests with the registries set here.
  const registry = new AggregatorRegistry<PrometheusContentType>();
  AggregatorRegistry.setRegistries([registry]);
  collectDefaultMetrics({ register: registry });
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  let next = 0;
  process.on('message', (message: MetricsAnswer) => {
    if (message?.kind !== 'coffer-metrics-answer') return;
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.text !== undefined) entry?.resolve(message.text);
    else entry?.reject(new Error(`the primary could not gather the workers' metrics: ${message.error}`));
  });
  const text = () =>
    new Promise<string>((resolve, reject) => {
      if (!process.connected || !process.send) return reject(new Error('the primary process is gone'));
      const id = ++next;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the primary did not answer with the metrics in time'));
      }, ANSWER_TIMEOUT_MS);
      timer.unref();
      waiting.set(id, { resolve: (t) => (clearTimeout(timer), resolve(t)), reject: (e) => (clearTimeout(timer), reject(e)) });
      process.send({ kind: 'coffer-metrics-request', id } satisfies MetricsRequest);
    });
  return { registry, text, contentType: registry.contentType };
}

/** The primary's side: a worker's request for the metrics is answered with every worker's, aggregated. */
export function serveWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry<PrometheusContentType>();
  cluster.on('message', (worker, message: MetricsRequest) => {
    if (message?.kind !== 'coffer-metrics-request') return;
    const answer = (a: Omit<MetricsAnswer, 'kind' | 'id'>) => worker.isConnected() && worker.send({ kind: 'coffer-metrics-answer', id: message.id, ...a } satisfies MetricsAnswer);
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (err: unknown) => answer({ error: String(err) }),
    );
  });
}
