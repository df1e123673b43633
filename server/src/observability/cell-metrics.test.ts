import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { createCellCounter, createCellHistogram } from './cell-metrics.ts';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const OBSERVED = [0.0005, 0.001, 0.002, 0.05, 0.5, 3, 0.01];

/** The same observations through prom-client's own counter and histogram, under the same names. */
async function promClientText(): Promise<string> {
  const registry = new Registry();
  const counter = new Counter({ name: 'c_total', help: 'h', labelNames: ['op'], registers: [registry] });
  const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['op'], buckets: BOUNDS, registers: [registry] });
  for (const op of ['A', 'B']) for (const v of OBSERVED) (counter.inc({ op }), histogram.observe({ op }, v));
  return registry.metrics();
}

function cellRegistry(): Registry {
  const registry = new Registry();
  const counter = createCellCounter(registry, 'c_total', 'h');
  const histogram = createCellHistogram(registry, 'h_seconds', 'h', BOUNDS);
  for (const op of ['A', 'B']) {
    const count = counter.cell({ op });
    const latency = histogram.cell({ op });
    for (const v of OBSERVED) {
      count.value += 1;
      latency.observe(v);
    }
  }
  return registry;
}

test('cells render exactly as prom-client renders the same counter and histogram', async () => {
  assert.equal(await cellRegistry().metrics(), await promClientText());
});

test("cells aggregate over worker processes as prom-client's metrics do (summed)", async () => {
  const workers = [await cellRegistry().getMetricsAsJSON(), await cellRegistry().getMetricsAsJSON()];
  const text = await AggregatorRegistry.aggregate(workers).metrics();
  assert.match(text, /^c_total\{op="A"\} 14$/m);
  assert.match(text, /^h_seconds_bucket\{le="0.001",op="A"\} 4$/m);
  assert.match(text, /^h_seconds_bucket\{le="\+Inf",op="B"\} 14$/m);
  assert.match(text, /^h_seconds_count\{op="B"\} 14$/m);
});
