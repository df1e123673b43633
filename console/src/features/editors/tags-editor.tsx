import { tagProblems, type TagRow } from './tags.ts';

export function TagsEditor({ rows, onChange }: { rows: TagRow[]; onChange: (rows: TagRow[]) => void }) {
  const problems = tagProblems(rows);
  const set = (i: number, patch: Partial<TagRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="rows-editor">
      <legend>Tags</legend>
      <p className="hint" id="tags-rules">Tag keys and values are case sensitive. Only one tag on a secret can have a given key.</p>
      {rows.map((row, i) => (
        <div className="row" key={i}>
          <input aria-label={`Tag key ${i + 1}`} placeholder="key" value={row.key} onChange={(e) => set(i, { key: e.target.value })} aria-invalid={problems.has(i)} aria-describedby={problems.has(i) ? `tag-problem-${i}` : 'tags-rules'} />
          <input aria-label={`Tag value ${i + 1}`} placeholder="value (optional)" value={row.value} onChange={(e) => set(i, { value: e.target.value })} />
          <button type="button" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove tag ${i + 1}`}>Remove</button>
          {problems.has(i) && <p className="error" id={`tag-problem-${i}`}>{problems.get(i)}</p>}
        </div>
      ))}
      {problems.has(50) && <p className="error">{problems.get(50)}</p>}
      <button type="button" onClick={() => onChange([...rows, { key: '', value: '' }])}>Add tag</button>
    </fieldset>
  );
}
