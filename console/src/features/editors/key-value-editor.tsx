import { keyValueProblems, type KeyValueRow } from './key-value.ts';

/** Rows of key and value inputs; "Add row" and "Remove" per row. Problems show under the row. */
export function KeyValueEditor({ rows, onChange, label = 'Secret key/value' }: { rows: KeyValueRow[]; onChange: (rows: KeyValueRow[]) => void; label?: string }) {
  const problems = keyValueProblems(rows);
  const set = (i: number, patch: Partial<KeyValueRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="rows-editor">
      <legend>{label}</legend>
      {rows.map((row, i) => (
        <div className="row" key={i}>
          <input aria-label={`Key ${i + 1}`} placeholder="key" value={row.key} onChange={(e) => set(i, { key: e.target.value })} aria-invalid={problems.has(i)} aria-describedby={problems.has(i) ? `kv-problem-${i}` : undefined} />
          <input aria-label={`Value ${i + 1}`} placeholder="value" value={row.value} onChange={(e) => set(i, { value: e.target.value })} />
          <button type="button" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove row ${i + 1}`}>Remove</button>
          {problems.has(i) && <p className="error" id={`kv-problem-${i}`}>{problems.get(i)}</p>}
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, { key: '', value: '' }])}>Add row</button>
    </fieldset>
  );
}
