// A counter and a histogram for the request path, exported through prom-client's registry (text format, and
// the cluster aggregation, which reads every metric's get()). prom-client's own labelled metrics hash and
// validate the label values on every inc() or observe(), children included: about 2 µs per request for a
// counter and a histogram on our 2-core machine. Here a label set is resolved once to a cell, which the caller
// keeps and updates with a few additions.
import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;

/** One sample as prom-client's registry reads it from get() (its typings declare `type` as an enum it does not use). */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

export interface CounterCell {
  value: number;
}

export interface HistogramCell {
  observe(seconds: number): void;
}

interface Exported {
  name: string;
  help: string;
  get(): Promise<{ name: string; help: string; type: 'counter' | 'histogram'; aggregator: 'sum'; values: Sample[] }>;
}

/** Registers a metric that is not one of prom-client's classes: the registry only calls get() (and reads name). */
function register(registry: Registry, metric: Exported): void {
  registry.registerMetric(metric as unknown as Metric);
}

/** A counter whose label sets are cells: `cell(labels).value++`. */
export function createCellCounter(registry: Registry, name: string, help: string) {
  const cells: Array<{ labels: Labels; cell: CounterCell }> = [];
  register(registry, {
    name,
    help,
    get: async () => ({ name, help, type: 'counter', aggregator: 'sum', values: cells.map(({ labels, cell }) => ({ labels, value: cell.value })) }),
  });
  return {
    /** A new cell for these labels: call once per label set and keep it. */
    cell(labels: Labels): CounterCell {
      const cell = { value: 0 };
      cells.push({ labels, cell });
      return cell;
    },
  };
}

class Buckets implements HistogramCell {
  /** per bucket, not cumulative; the last one is +Inf */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]) i++;
    this.counts[i] += 1;
    this.sum += seconds;
    this.count += 1;
  }
}

/** A histogram whose label sets are cells: `cell(labels).observe(seconds)`. */
export function createCellHistogram(registry: Registry, name: string, help: string, bounds: readonly number[]) {
  const cells: Array<{ labels: Labels; buckets: Buckets }> = [];
  register(registry, {
    name,
    help,
    get: async () => {
      const values: Sample[] = [];
      for (const { labels, buckets } of cells) {
        let cumulative = 0;
        bounds.forEach((bound, i) => {
          cumulative += buckets.counts[i];
          values.push({ metricName: `${name}_bucket`, labels: { le: bound, ...labels }, value: cumulative });
        });
        values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: buckets.count });
        values.push({ metricName: `${name}_sum`, labels, value: buckets.sum });
        values.push({ metricName: `${name}_count`, labels, value: buckets.count });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  });
  return {
    /** A new cell for these labels: call once per label set and keep it. */
    cell(labels: Labels): HistogramCell {
      const buckets = new Buckets(bounds);
      cells.push({ labels, buckets });
      return buckets;
    },
  };
}
