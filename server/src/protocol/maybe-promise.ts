// A value a step may have at once or only later. The request path answers synchronously when everything it
// needs is in memory (a cached access key, a cached secret); awaiting a value that is already there would
// still cost a promise and a microtask turn per step, so callers look before they wait.
export type MaybePromise<T> = T | Promise<T>;

export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
