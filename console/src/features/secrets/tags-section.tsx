import { useState } from 'react';
import { TagResourceCommand, UntagResourceCommand, type DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { TagsEditor } from '../editors/tags-editor.tsx';
import { diffTags, tagProblems, type TagRow } from '../editors/tags.ts';

/** Tags: "Edit" opens the rows editor; Save sends UntagResource for removed keys, TagResource for the rest. */
export function TagsSection({ clients, secret, onSaved }: { clients: Clients; secret: DescribeSecretResponse; onSaved: () => void }) {
  const current: TagRow[] = (secret.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
  const [rows, setRows] = useState<TagRow[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function save() {
    if (!rows) return;
    if (tagProblems(rows).size > 0) { setError(new Error('Fix the tags marked above first.')); return; }
    const { add, remove } = diffTags(current, rows);
    setBusy(true);
    setError(undefined);
    try {
      if (remove.length) await clients.sm.send(new UntagResourceCommand({ SecretId: secret.ARN, TagKeys: remove }));
      if (add.length) await clients.sm.send(new TagResourceCommand({ SecretId: secret.ARN, Tags: add.map((t) => ({ Key: t.key, Value: t.value })) }));
      setRows(undefined);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="panel" aria-labelledby="tags-title">
      <div className="panel-head">
        <h2 id="tags-title">Tags</h2>
        {!rows && <button type="button" onClick={() => { setRows(current.length ? current : [{ key: '', value: '' }]); setError(undefined); }}>Edit tags</button>}
      </div>
      {!rows && (current.length ? (
        <div className="table-scroll">
          <table className="grid"><thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
            <tbody>{current.map((t) => <tr key={t.key}><td>{t.key}</td><td>{t.value}</td></tr>)}</tbody></table>
        </div>
      ) : <p>No tags.</p>)}
      {rows && (
        <>
          <TagsEditor rows={rows} onChange={setRows} />
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="button" className="primary" onClick={save} disabled={busy}>Save tags</button>
            <button type="button" onClick={() => { setRows(undefined); setError(undefined); }}>Cancel</button>
          </div>
        </>
      )}
    </section>
  );
}
