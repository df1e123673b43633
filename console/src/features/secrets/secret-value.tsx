import { useState } from 'react';
import { GetSecretValueCommand, PutSecretValueCommand, type GetSecretValueResponse } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { KeyValueEditor } from '../editors/key-value-editor.tsx';
import { parseKeyValue, serializeKeyValue, keyValueProblems, type KeyValueRow } from '../editors/key-value.ts';

type Tab = 'kv' | 'plain';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach((b) => { s += String.fromCharCode(b); });
  return btoa(s);
}

/**
 * "Retrieve secret value": nothing is fetched until asked, and the value lives only in this component's
 * state (never logged, never stored). "Edit" then "Save" writes a new version with PutSecretValue;
 * AWSCURRENT moves to it and the previous version keeps AWSPREVIOUS.
 */
export function SecretValue({ clients, secretId, onSaved, disabled }: { clients: Clients; secretId: string; onSaved: () => void; disabled?: boolean }) {
  const [value, setValue] = useState<GetSecretValueResponse | undefined>();
  const [tab, setTab] = useState<Tab>('kv');
  const [editing, setEditing] = useState(false);
  const [rows, setRows] = useState<KeyValueRow[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function retrieve() {
    setError(undefined);
    setBusy(true);
    try {
      const r = await clients.sm.send(new GetSecretValueCommand({ SecretId: secretId }));
      setValue(r);
      setTab(parseKeyValue(r.SecretString) ? 'kv' : 'plain');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function startEdit() {
    const kv = parseKeyValue(value?.SecretString);
    setRows(kv && kv.length ? kv : [{ key: '', value: '' }]);
    setText(value?.SecretString ?? '');
    setTab(kv ? 'kv' : 'plain');
    setSaveError(undefined);
    setNotice(undefined);
    setEditing(true);
  }

  function switchTab(next: Tab) {
    if (editing && next !== tab) {
      if (next === 'plain') setText(serializeKeyValue(rows));
      else {
        const kv = parseKeyValue(text);
        if (!kv) { setSaveError(new Error('The plaintext is not a JSON object of keys and values, so it has no key/value view.')); return; }
        setRows(kv);
      }
    }
    setSaveError(undefined);
    setTab(next);
  }

  async function save() {
    if (tab === 'kv' && keyValueProblems(rows).size > 0) { setSaveError(new Error('Fix the rows marked above first.')); return; }
    const SecretString = tab === 'kv' ? serializeKeyValue(rows) : text;
    setBusy(true);
    setSaveError(undefined);
    try {
      const r = await clients.sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString }));
      setValue({ ...value, SecretString, SecretBinary: undefined, VersionId: r.VersionId, VersionStages: r.VersionStages });
      setEditing(false);
      setNotice(`Saved as version ${r.VersionId}. ${(r.VersionStages ?? []).join(', ')} moved to it; the version before it is now AWSPREVIOUS.`);
      onSaved();
    } catch (err) {
      setSaveError(err); // the edit stays in the form
    } finally {
      setBusy(false);
    }
  }

  const kv = parseKeyValue(value?.SecretString);
  return (
    <section className="panel" aria-labelledby="value-title">
      <div className="panel-head">
        <h2 id="value-title">Secret value</h2>
        {!value && <button type="button" onClick={retrieve} disabled={busy || disabled}>Retrieve secret value</button>}
        {value && !editing && <button type="button" onClick={startEdit}>Edit</button>}
        {value && !editing && <button type="button" onClick={() => { setValue(undefined); setNotice(undefined); }}>Hide value</button>}
      </div>
      <ErrorMessage error={error} />
      {notice && <p className="ok" role="status">{notice}</p>}
      {value && (
        <>
          <div role="tablist" aria-label="Secret value view">
            <button type="button" role="tab" id="tab-kv" aria-selected={tab === 'kv'} aria-controls="panel-value" onClick={() => switchTab('kv')}>Key/value</button>
            <button type="button" role="tab" id="tab-plain" aria-selected={tab === 'plain'} aria-controls="panel-value" onClick={() => switchTab('plain')}>Plaintext</button>
          </div>
          <div role="tabpanel" id="panel-value" aria-labelledby={tab === 'kv' ? 'tab-kv' : 'tab-plain'}>
            {!editing && tab === 'kv' && (kv ? (
              <div className="table-scroll">
                <table className="grid kv">
                  <thead><tr><th scope="col">Secret key</th><th scope="col">Secret value</th></tr></thead>
                  <tbody>{kv.map((row) => <tr key={row.key}><td>{row.key}</td><td className="mono">{row.value}</td></tr>)}</tbody>
                </table>
              </div>
            ) : <p>This value is not a JSON object of keys and values; see the Plaintext tab.</p>)}
            {!editing && tab === 'plain' && (
              <pre className="mono value" aria-label="Secret value plaintext">{value.SecretString ?? `(binary, base64) ${value.SecretBinary ? toBase64(value.SecretBinary) : ''}`}</pre>
            )}
            {editing && tab === 'kv' && <KeyValueEditor rows={rows} onChange={setRows} />}
            {editing && tab === 'plain' && (
              <>
                <label htmlFor="plaintext-edit">Plaintext value</label>
                <textarea id="plaintext-edit" rows={8} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
              </>
            )}
          </div>
          {editing && (
            <div className="actions">
              <ErrorMessage error={saveError} />
              <button type="button" className="primary" onClick={save} disabled={busy}>Save</button>
              <button type="button" onClick={() => { setEditing(false); setSaveError(undefined); }}>Cancel</button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
