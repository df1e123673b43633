import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadiness, type ReadinessCheck } from './readiness.ts';

function setup(checks: ReadinessCheck[], options: { timeoutMs?: number } = {}) {
  let t = 0;
  const logged: Array<Record<string, unknown>> = [];
  const readiness = createReadiness({ checks, now: () => t, logger: { error: (msg, fields) => logged.push({ msg, ...fields }) }, ...options });
  return { readiness, logged, advance: (ms: number) => void (t += ms) };
}

test('ready when every check passes; the failed ones are named, with their reason', async () => {
  let storeDown = false;
  const { readiness, advance } = setup([
    { name: 'store', run: async () => (storeDown ? 'down' : undefined) },
    { name: 'migrations', run: async () => undefined },
  ]);
  assert.deepEqual(await readiness.check(), { ready: true, reasons: [] });
  storeDown = true;
  advance(1000);
  assert.deepEqual(await readiness.check(), { ready: false, reasons: ['store: down'] });
});

test('a check that throws is reported as failed, its error only in the log (once while it lasts)', async () => {
  const { readiness, logged, advance } = setup([{ name: 'store', run: async () => { throw new Error('connect ECONNREFUSED 10.1.2.3:5432'); } }]);
  const result = await readiness.check();
  assert.deepEqual(result, { ready: false, reasons: ['store: failed (see the server log)'] });
  assert.doesNotMatch(JSON.stringify(result), /10\.1\.2\.3/);
  advance(1000);
  await readiness.check();
  assert.deepEqual(logged.filter((l) => l.msg === 'readiness check failed').length, 2);
  assert.deepEqual(logged.filter((l) => l.msg === 'not ready').length, 1, 'the state is logged when it changes');
  assert.match(String(logged[0].error), /ECONNREFUSED 10\.1\.2\.3/);
});

test('a check that does not answer counts as failed after the timeout', async () => {
  const { readiness } = setup([{ name: 'store', run: () => new Promise<undefined>(() => {}) }], { timeoutMs: 20 });
  // The check's timer does not hold a process open (a server's sockets do): this one stands in for them.
  const alive = setTimeout(() => {}, 10_000);
  try {
    assert.deepEqual(await readiness.check(), { ready: false, reasons: ['store: no answer within 20 ms'] });
  } finally {
    clearTimeout(alive);
  }
});

test('one round of checks answers every probe for a second, and concurrent probes share it', async () => {
  let runs = 0;
  const { readiness, advance } = setup([{ name: 'store', run: async () => void runs++ }]);
  await Promise.all([readiness.check(), readiness.check(), readiness.check()]);
  assert.equal(runs, 1);
  advance(999);
  await readiness.check();
  assert.equal(runs, 1);
  advance(1);
  await readiness.check();
  assert.equal(runs, 2);
});

test('a stopping server is not ready, without running the checks', async () => {
  let runs = 0;
  const { readiness } = setup([{ name: 'store', run: async () => void runs++ }]);
  readiness.stopping();
  assert.deepEqual(await readiness.check(), { ready: false, reasons: ['server: stopping'] });
  assert.equal(runs, 0);
});
