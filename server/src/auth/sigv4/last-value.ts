// The last argument and result of a pure function of a string: a client's consecutive requests repeat some
// header values exactly (the signed header names, the request time within a second), and then the answer is
// the one before. Pure.
export function rememberLast<T>(compute: (key: string) => T): (key: string) => T {
  let lastKey: string | undefined;
  let lastValue: T;
  return (key) => {
    if (key !== lastKey) {
      lastValue = compute(key);
      lastKey = key;
    }
    return lastValue;
  };
}
