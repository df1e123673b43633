import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSteps, step, isPromiseLike } from './maybe-promise.ts';

function* addSteps(a: number | Promise<number>, b: number | Promise<number>) {
  const x = yield* step(a);
  const y = yield* step(b);
  return x + y;
}

test('steps whose values are all there run synchronously', () => {
  const result = runSteps(addSteps(1, 2));
  assert.equal(isPromiseLike(result), false);
  assert.equal(result, 3);
});

test('from the first promise on, the steps finish asynchronously, in order', async () => {
  const seen: number[] = [];
  function* steps() {
    seen.push(yield* step(1));
    seen.push(yield* step(Promise.resolve(2)));
    seen.push(yield* step(3));
    seen.push(yield* step(Promise.resolve(4)));
    return seen.length;
  }
  const result = runSteps(steps());
  assert.equal(isPromiseLike(result), true);
  assert.deepEqual(seen, [1]);
  assert.equal(await result, 4);
  assert.deepEqual(seen, [1, 2, 3, 4]);
});

test('a step that throws throws synchronously before any promise, and rejects after one', async () => {
  function* failing(first: number | Promise<number>) {
    yield* step(first);
    throw new Error('step failed');
  }
  assert.throws(() => runSteps(failing(1)), /step failed/);
  await assert.rejects(Promise.resolve(runSteps(failing(Promise.resolve(1)))), /step failed/);
});

test('a rejected promise throws inside the steps, which may catch it', async () => {
  function* recovering() {
    try {
      yield* step(Promise.reject(new Error('read failed')));
      return 'not reached';
    } catch (err) {
      return `caught: ${(err as Error).message}`;
    }
  }
  assert.equal(await runSteps(recovering()), 'caught: read failed');
  await assert.rejects(Promise.resolve(runSteps(addSteps(Promise.reject(new Error('read failed')), 1))), /read failed/);
});
