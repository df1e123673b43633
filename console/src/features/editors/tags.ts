// Secrets Manager's tag rules, checked in the form before the API is asked: keys and values are case
// sensitive (Env and env are two keys), a secret has at most one tag per key, a key is 1-128 characters
// and a value at most 256, keys starting with aws: are reserved, at most 50 tags.
export interface TagRow {
  key: string;
  value: string;
}

const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagProblems(rows: TagRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (row.key === '') problems.set(i, 'Enter a tag key.');
    else if (seen.has(row.key)) problems.set(i, `Only one tag can have the key ${row.key}. Keys are case sensitive, so ${row.key} and ${row.key.toLowerCase() === row.key ? row.key.toUpperCase() : row.key.toLowerCase()} would be two keys.`);
    else if (row.key.length > 128) problems.set(i, 'A tag key has at most 128 characters.');
    else if (row.value.length > 256) problems.set(i, 'A tag value has at most 256 characters.');
    else if (row.key.toLowerCase().startsWith('aws:')) problems.set(i, 'Keys starting with aws: are reserved.');
    else if (!ALLOWED.test(row.key) || !ALLOWED.test(row.value)) problems.set(i, 'Use letters, numbers, spaces and _ . : / = + - @ only.');
    seen.add(row.key);
  });
  if (rows.length > 50) problems.set(50, 'A secret has at most 50 tags.');
  return problems;
}

/** What to send: TagResource for new and changed tags, UntagResource for keys no longer present. */
export function diffTags(before: TagRow[], after: TagRow[]): { add: TagRow[]; remove: string[] } {
  const old = new Map(before.map((t) => [t.key, t.value]));
  const next = new Set(after.map((t) => t.key));
  return {
    add: after.filter((t) => old.get(t.key) !== t.value),
    remove: before.filter((t) => !next.has(t.key)).map((t) => t.key),
  };
}
