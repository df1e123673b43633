// Coffer's metrics: their Prometheus names, labels and buckets, and the few calls that feed them. Every label
// value comes from a bounded set (the models' service and operation names, AWS error type names, routes,
// template names, statement kinds), never from a secret name, an ARN, a principal or a value.
// All are prom-client's own metrics, fed where their events happen (requests, queries, rotation, audit
// writes) or read when scraped (collect()).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Request latency buckets, seconds: a cached read takes well under a millisecond, a rotation's API call longer. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const ROTATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900];
const AUDIT_LAG_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type Outcome = 'success' | 'client_error' | 'server_error';

export function outcomeOf(status: number): Outcome {
  return status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'success';
}

/** What the metrics read when scraped, from the parts app.ts builds after the metrics (see attach()). */
export interface MetricSources {
  inFlight(): number;
  auditQueueDepth(): number;
  cacheStats(): CacheStats;
  /** counts over the whole store: every worker reports the same, so workers are aggregated by max */
  rotationBacklog(): Promise<{ due: number; overdue: number }>;
  /** secrets whose last drift check found AWSCURRENT not logging in, over the whole store */
  driftedSecrets(): Promise<number>;
}

export interface CacheStats {
  rowHits: number;
  rowMisses: number;
  dataKeyHits: number;
  dataKeyMisses: number;
}

/** A rotation attempt's end, as the rotation engine reports it. */
export interface RotationAttempt {
  status: string;
  /** the template name, `http` or `command` */
  function: string;
  durationMs?: number;
}

export function createMetrics(registry: Registry) {
  let sources: MetricSources | undefined;

  const requestCount = new Counter({
    name: 'coffer_requests_total',
    help: 'Requests answered, by service, operation, outcome and error type.',
    labelNames: ['service', 'operation', 'outcome', 'error_type'],
    registers: [registry],
  });
  const requestLatency = new Histogram({
    name: 'coffer_request_duration_seconds',
    help: 'Time from the request to its answer, by service, operation and outcome.',
    labelNames: ['service', 'operation', 'outcome'],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });

  /** One answered request. The labels must come from bounded sets: the caller maps anything else to "unknown". */
  function request(service: string, operation: string, status: number, errorType: string | undefined, seconds: number): void {
    const outcome = outcomeOf(status);
    requestCount.inc({ service, operation, outcome, error_type: errorType ?? '' });
    requestLatency.observe({ service, operation, outcome }, seconds);
  }

  new Gauge({
    name: 'coffer_requests_in_flight',
    help: 'Requests received and not yet answered.',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.inFlight());
    },
  });

  // The store: every query Kysely runs (SQLite's change-token read is a prepared statement beside it).
  const queryLatency = new Histogram({
    name: 'coffer_store_query_duration_seconds',
    help: 'Store query time, by statement kind.',
    labelNames: ['statement'],
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  function storeQuery(kind: string, ms: number): void {
    queryLatency.observe({ statement: statementOf(kind) }, ms / 1000);
  }

  // SQLite's group commit: one fsync of the write-ahead log acknowledges every write committed before it began.
  const logSync = new Histogram({
    name: 'coffer_store_log_sync_duration_seconds',
    help: "Time of each fsync of SQLite's write-ahead log that made a group of commits durable.",
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  function storeSync(ms: number): void {
    logSync.observe(ms / 1000);
  }

  // The read cache: lookups counted in plain numbers by the cache, turned into counters when scraped.
  const seen = { rowHits: 0, rowMisses: 0, dataKeyHits: 0, dataKeyMisses: 0 };
  new Counter({
    name: 'coffer_cache_lookups_total',
    help: 'Read cache lookups, by cache (rows, data_keys) and result (hit, miss).',
    labelNames: ['cache', 'result'],
    registers: [registry],
    collect() {
      if (!sources) return;
      const now = sources.cacheStats();
      const add = (key: keyof CacheStats, cache: string, result: string) => {
        this.inc({ cache, result }, now[key] - seen[key]);
        seen[key] = now[key];
      };
      add('rowHits', 'rows', 'hit');
      add('rowMisses', 'rows', 'miss');
      add('dataKeyHits', 'data_keys', 'hit');
      add('dataKeyMisses', 'data_keys', 'miss');
    },
  });
  new Gauge({
    name: 'coffer_cache_hit_ratio',
    help: 'Share of read cache lookups that hit since the start, by cache (the average over worker processes).',
    labelNames: ['cache'],
    aggregator: 'average',
    registers: [registry],
    collect() {
      if (!sources) return;
      const s = sources.cacheStats();
      const ratio = (hits: number, misses: number) => (hits + misses === 0 ? 0 : hits / (hits + misses));
      this.set({ cache: 'rows' }, ratio(s.rowHits, s.rowMisses));
      this.set({ cache: 'data_keys' }, ratio(s.dataKeyHits, s.dataKeyMisses));
    },
  });

  // The audit trail.
  new Gauge({
    name: 'coffer_audit_queue_depth',
    help: 'Audit events recorded and not yet written to the store.',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.auditQueueDepth());
    },
  });
  const auditLag = new Histogram({
    name: 'coffer_audit_write_lag_seconds',
    help: 'For each written batch of audit events, the time from its oldest event to the end of the write.',
    buckets: AUDIT_LAG_BUCKETS,
    registers: [registry],
  });
  const auditWritten = new Counter({ name: 'coffer_audit_events_written_total', help: 'Audit events written to the store.', registers: [registry] });
  function auditWrite(events: number, lagMs: number): void {
    auditLag.observe(lagMs / 1000);
    auditWritten.inc(events);
  }

  // Rotation.
  const rotations = new Counter({
    name: 'coffer_rotations_total',
    help: 'Rotation attempts that ended, by function (template name, http or command) and outcome (succeeded, retrying, failed).',
    labelNames: ['function', 'outcome'],
    registers: [registry],
  });
  const rotationDuration = new Histogram({
    name: 'coffer_rotation_duration_seconds',
    help: 'Time of a rotation attempt, from its start (or resumption) to its end, by function and outcome.',
    labelNames: ['function', 'outcome'],
    buckets: ROTATION_BUCKETS,
    registers: [registry],
  });
  function rotationProgress(event: RotationAttempt): void {
    if (event.status !== 'succeeded' && event.status !== 'failed' && event.status !== 'retrying') return;
    const labels = { function: event.function, outcome: event.status };
    rotations.inc(labels);
    if (event.durationMs !== undefined) rotationDuration.observe(labels, event.durationMs / 1000);
  }
  // Read from the store when scraped; a store that is down leaves the gauges out of this scrape, not the whole answer.
  const readBacklog = () => sources?.rotationBacklog().catch(() => undefined);
  new Gauge({
    name: 'coffer_rotations_due',
    help: 'Rotations whose time has come and that have not finished: scheduled windows that have begun, runs waiting for an attempt.',
    aggregator: 'max',
    registers: [registry],
    async collect() {
      const counts = await readBacklog();
      if (counts) this.set(counts.due);
    },
  });
  new Gauge({
    name: 'coffer_rotations_overdue',
    help: 'Rotations that will not happen without help: a scheduled window that ended without a rotation, a run that failed for good.',
    aggregator: 'max',
    registers: [registry],
    async collect() {
      const counts = await readBacklog();
      if (counts) this.set(counts.overdue);
    },
  });

  // Drift checks: the function kind and the result, never the secret.
  const driftChecks = new Counter({
    name: 'coffer_rotation_drift_checks_total',
    help: "Drift checks of a secret's AWSCURRENT, by function (template name) and result (ok, drifted, error).",
    labelNames: ['function', 'result'],
    registers: [registry],
  });
  function driftCheck(event: { function: string; status: string }): void {
    driftChecks.inc({ function: event.function, result: event.status });
  }
  new Gauge({
    name: 'coffer_rotation_drifted_secrets',
    help: 'Secrets whose last drift check found that AWSCURRENT no longer logs in.',
    aggregator: 'max',
    registers: [registry],
    async collect() {
      const n = await sources?.driftedSecrets().catch(() => undefined);
      if (n !== undefined) this.set(n);
    },
  });

  return {
    registry,
    request,
    storeQuery,
    storeSync,
    auditWrite,
    rotationProgress,
    driftCheck,
    /** The parts read when scraped, once they exist. */
    attach(s: MetricSources): void {
      sources = s;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Kysely's query node kind (SelectQueryNode...) as a label: select, insert, update, delete or other. */
function statementOf(kind: string): string {
  const m = /^(Select|Insert|Update|Delete)QueryNode$/.exec(kind);
  return m ? m[1].toLowerCase() : 'other';
}
