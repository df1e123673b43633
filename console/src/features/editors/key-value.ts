// The key/value view of a secret string: a flat JSON object of strings, as the console of AWS shows it.
// A value that is not such an object has no key/value view (the plaintext tab shows it as it is).
export interface KeyValueRow {
  key: string;
  value: string;
}

export function parseKeyValue(text: string | undefined): KeyValueRow[] | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return undefined; }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const rows: KeyValueRow[] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === 'object' && value !== null) return undefined;
    rows.push({ key, value: typeof value === 'string' ? value : JSON.stringify(value) });
  }
  return rows;
}

export function serializeKeyValue(rows: KeyValueRow[]): string {
  const object: Record<string, string> = {};
  for (const row of rows) if (row.key !== '' || row.value !== '') object[row.key] = row.value;
  return JSON.stringify(object);
}

/** Problems per row index (a key must be present and appear once). */
export function keyValueProblems(rows: KeyValueRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (row.key === '' && row.value === '') return;
    if (row.key === '') problems.set(i, 'Enter a key.');
    else if (seen.has(row.key)) problems.set(i, `The key ${row.key} is already used; each key appears once.`);
    seen.add(row.key);
  });
  return problems;
}
