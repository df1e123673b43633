// Property: whatever a client sends to any Secrets Manager, KMS or Coffer admin operation, correctly signed,
// the server never answers 5xx; a 4xx is an AWS JSON error; SQLite and PostgreSQL give the same status and
// error type; and a request that fails leaves the store as it was (every table's rows, audit aside).
// Requests come from the service models' input shapes (fuzz-requests.ts) with mutations (mutations.ts).
//
// `npm test` runs a short seeded pass; `npm run fuzz` a long one. Replay or explore with FUZZ_SEED and
// FUZZ_RUNS: the same seed and count send the same requests in the same order to fresh stores.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { answerOf, changedTables, createFindings, replyProblems } from './fuzz-checks.ts';
import { describeRequest, fuzzRequest, loadFuzzServices, render, type RenderedRequest } from './fuzz-requests.ts';
import { startFuzzStores, type FuzzStore } from './fuzz-stores.ts';
import type { RawResponse } from '../api/helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1717);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

describe('fuzzing every operation of the models, on every store', () => {
  let stores: FuzzStore[] = [];
  let skipped: string[] = [];

  before(async () => {
    ({ stores, skipped } = await startFuzzStores());
  });
  after(async () => {
    for (const store of stores) await store.close();
  });

  it(`answers ${RUNS} generated requests per store (seed ${SEED}) without a 5xx, alike, changing nothing when failing`, async (t) => {
    for (const reason of skipped) t.diagnostic(`not fuzzed: ${reason}`);
    const services = loadFuzzServices();
    const findings = createFindings();
    const statuses = new Map<string, number>();
    // Operations answered 200 on every store: proof that requests get past authentication and validation.
    const succeeded = new Set<string>();
    let snapshots = await Promise.all(stores.map((s) => s.snapshot()));
    let run = 0;

    await fc.assert(
      fc.asyncProperty(fuzzRequest(services), async (request) => {
        run += 1;
        const sent = stores.map((store) => render(request, store.refs));
        const replies = await Promise.all(stores.map((store, i) => store.send(sent[i])));
        const after = await Promise.all(stores.map((s) => s.snapshot()));
        const logs = stores.map((s) => s.takeErrorLog());
        const example = (i: number) => () => exampleOf(run, stores[i].dialect, sent[i], replies[i], logs[i]);
        stores.forEach((store, i) => {
          const reply = replies[i];
          const key = `${reply.status} ${answerOf(reply).type ?? ''}`.trim();
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          for (const problem of replyProblems(reply)) findings.add(request.operation, problem, example(i));
          const changed = reply.status === 200 ? [] : changedTables(snapshots[i], after[i]);
          if (changed.length > 0) findings.add(request.operation, `failed and changed ${changed.join(', ')} on ${store.dialect}`, example(i));
        });
        if (replies.every((r) => r.status === 200)) succeeded.add(`${request.signingName}:${request.operation}`);
        for (let i = 1; i < stores.length; i++) {
          const [a, b] = [answerOf(replies[0]), answerOf(replies[i])];
          if (a.status !== b.status || a.type !== b.type) {
            findings.add(request.operation, `${stores[0].dialect} and ${stores[i].dialect} disagree`, () => `${example(0)()}\n${example(i)()}`);
          }
        }
        snapshots = after;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    const fives = findings.count((rule) => /^answered 5/.test(rule));
    t.diagnostic(`${run} requests per store on ${stores.map((s) => s.dialect).join(' and ')}; 5xx answers: ${fives}`);
    t.diagnostic(`answers: ${[...statuses].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} x${n}`).join(', ')}`);
    t.diagnostic(`operations answered 200: ${succeeded.size}`);
    assert.ok(run === RUNS, `ran ${run} of ${RUNS}`);
    // A few hundred requests reach a success in every service; fewer may not, so only then is it required.
    for (const service of RUNS >= 500 ? services : []) {
      assert.ok([...succeeded].some((op) => op.startsWith(`${service.signingName}:`)), `no ${service.signingName} operation ever succeeded`);
    }
    assert.equal(
      findings.list().length,
      0,
      `seed ${SEED}, ${RUNS} runs (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npm run fuzz):\n${findings.report()}`,
    );
  });
});

function exampleOf(run: number, dialect: string, sent: RenderedRequest, reply: RawResponse, log: string[]): string {
  const text = reply.text.length > 400 ? `${reply.text.slice(0, 400)}...` : reply.text;
  return [`run ${run} on ${dialect}: ${describeRequest(sent)}`, `-> ${reply.status} ${text}`, ...log.map((l) => `log: ${l.slice(0, 600)}`)].join('\n');
}
