// A value a step may have at once or only later. The request path answers synchronously when everything it
// needs is in memory (a cached access key, a cached secret); awaiting a value that is already there would
// still cost a promise and a microtask turn per step, so callers look before they wait.
export type MaybePromise<T> = T | Promise<T>;

export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Runs steps written as a generator that yields what it waits for: synchronously while every yielded value
 * is already there, as a promise from the first one that is not. The cached path and the loading path stay
 * one body of code. A step that throws, or a promise that rejects, throws inside the generator.
 */
export function runSteps<T>(steps: Generator<unknown, T, unknown>): MaybePromise<T> {
  let result = steps.next();
  while (!result.done) {
    if (isPromiseLike(result.value)) return finishSteps(steps, result.value);
    result = steps.next(result.value);
  }
  return result.value;
}

async function finishSteps<T>(steps: Generator<unknown, T, unknown>, pending: PromiseLike<unknown>): Promise<T> {
  for (;;) {
    let result: IteratorResult<unknown, T>;
    try {
      result = steps.next(await pending);
    } catch (err) {
      // A rejection goes into the generator, which may catch it; an error the generator threw itself has
      // ended it, and throw() on an ended generator throws that error on.
      result = steps.throw(err);
    }
    for (;;) {
      if (result.done) return result.value;
      if (isPromiseLike(result.value)) break;
      result = steps.next(result.value);
    }
    pending = result.value;
  }
}

/** Inside runSteps, `const x = yield* step(valueOrPromise)` gives x its type. */
export function* step<T>(value: MaybePromise<T>): Generator<MaybePromise<T>, T, unknown> {
  return (yield value) as T;
}
