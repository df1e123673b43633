// The last argument and result of a pure function of a string (or of a value that is not changed afterwards):
// a client's consecutive requests repeat some header values exactly (the signed header names, the request time
// within a second), and then the answer is the one before. Pure.
export function rememberLast<T, K = string>(compute: (key: K) => T): (key: K) => T {
  let lastKey: K | undefined;
  let lastValue: T;
  return (key) => {
    if (key !== lastKey) {
      lastValue = compute(key);
      lastKey = key;
    }
    return lastValue;
  };
}
