import { useState, type FormEvent } from 'react';
import { CreateSecretCommand, PutResourcePolicyCommand, RotateSecretCommand, ValidateResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { KeyPicker } from '../../components/key-picker.tsx';
import { navigate, secretHref } from '../../components/router.ts';
import { KeyValueEditor } from '../editors/key-value-editor.tsx';
import { keyValueProblems, serializeKeyValue, type KeyValueRow } from '../editors/key-value.ts';
import { TagsEditor } from '../editors/tags-editor.tsx';
import { tagProblems, type TagRow } from '../editors/tags.ts';
import { PolicyEditor } from '../editors/policy-editor.tsx';
import { policyProblem } from '../editors/policy.ts';

type Kind = 'kv' | 'plain' | 'binary';

/** Store a new secret: value (key/value, plaintext or a file), name, description, key, tags; then optionally a resource policy and rotation. */
export function CreateSecret({ clients }: { clients: Clients }) {
  const [kind, setKind] = useState<Kind>('kv');
  const [rows, setRows] = useState<KeyValueRow[]>([{ key: '', value: '' }]);
  const [text, setText] = useState('');
  const [binary, setBinary] = useState<Uint8Array | undefined>();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [keyId, setKeyId] = useState('');
  const [tags, setTags] = useState<TagRow[]>([]);
  const [policy, setPolicy] = useState('');
  const [rotationFn, setRotationFn] = useState('');
  const [rotationDays, setRotationDays] = useState(30);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (kind === 'kv' && keyValueProblems(rows).size) { setError(new Error('Fix the key/value rows marked above.')); return; }
    if (kind === 'binary' && !binary) { setError(new Error('Choose a file for the binary value.')); return; }
    if (tagProblems(tags).size) { setError(new Error('Fix the tags marked above.')); return; }
    if (policy.trim() && policyProblem(policy)) { setError(new Error(policyProblem(policy))); return; }
    setBusy(true);
    let created: string | undefined;
    try {
      const r = await clients.sm.send(new CreateSecretCommand({
        Name: name.trim(),
        Description: description || undefined,
        KmsKeyId: keyId || undefined,
        ...(kind === 'binary' ? { SecretBinary: binary } : { SecretString: kind === 'kv' ? serializeKeyValue(rows) : text }),
        Tags: tags.length ? tags.map((t) => ({ Key: t.key, Value: t.value })) : undefined,
      }));
      created = r.ARN!;
      if (policy.trim()) await clients.sm.send(new PutResourcePolicyCommand({ SecretId: created, ResourcePolicy: policy, BlockPublicPolicy: true }));
      if (rotationFn.trim()) await clients.sm.send(new RotateSecretCommand({ SecretId: created, RotationLambdaARN: rotationFn.trim(), RotationRules: { AutomaticallyAfterDays: rotationDays } }));
      navigate(secretHref(name.trim()));
    } catch (err) {
      setError(created ? new Error(`The secret was created, but a later step failed: ${(err as Error).name}: ${(err as Error).message}`) : err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="create-title">
      <nav aria-label="Breadcrumb" className="crumbs"><a href="#/secrets">Secrets</a> › Store a new secret</nav>
      <h1 id="create-title">Store a new secret</h1>
      <form onSubmit={submit} className="stack">
        <fieldset>
          <legend>Secret value</legend>
          <div role="radiogroup" aria-label="Value type" className="toolbar">
            <label className="check"><input type="radio" name="kind" checked={kind === 'kv'} onChange={() => setKind('kv')} /> Key/value pairs</label>
            <label className="check"><input type="radio" name="kind" checked={kind === 'plain'} onChange={() => setKind('plain')} /> Plaintext</label>
            <label className="check"><input type="radio" name="kind" checked={kind === 'binary'} onChange={() => setKind('binary')} /> Binary file</label>
          </div>
          {kind === 'kv' && <KeyValueEditor rows={rows} onChange={setRows} />}
          {kind === 'plain' && (<><label htmlFor="create-plaintext">Plaintext value</label><textarea id="create-plaintext" rows={6} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} /></>)}
          {kind === 'binary' && (<><label htmlFor="create-binary">File</label><input id="create-binary" type="file" onChange={async (e) => { const f = e.target.files?.[0]; setBinary(f ? new Uint8Array(await f.arrayBuffer()) : undefined); }} /></>)}
        </fieldset>
        <label htmlFor="create-name">Secret name</label>
        <input id="create-name" required maxLength={512} value={name} onChange={(e) => setName(e.target.value)} aria-describedby="name-hint" />
        <p className="hint" id="name-hint">Letters, numbers and /_+=.@- ; use / to make a path, e.g. production/MyAwesomeAppSecret.</p>
        <label htmlFor="create-description">Description</label>
        <textarea id="create-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        <label htmlFor="create-key">Encryption key</label>
        <KeyPicker clients={clients} id="create-key" value={keyId} onChange={setKeyId} />
        <TagsEditor rows={tags} onChange={setTags} />
        <details>
          <summary>Resource permissions (optional)</summary>
          <PolicyEditor value={policy} onChange={setPolicy} validate={(t) => clients.sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: t }))} />
        </details>
        <details>
          <summary>Rotation (optional)</summary>
          <label htmlFor="create-rotation-fn">Rotation function ARN</label>
          <input id="create-rotation-fn" className="mono" value={rotationFn} onChange={(e) => setRotationFn(e.target.value)} />
          <label htmlFor="create-rotation-days">Rotate every N days</label>
          <input id="create-rotation-days" type="number" min={1} max={1000} value={rotationDays} onChange={(e) => setRotationDays(Number(e.target.value))} />
        </details>
        <ErrorMessage error={error} />
        <div className="actions"><button type="submit" className="primary" disabled={busy}>Store</button><a className="button" href="#/secrets">Cancel</a></div>
      </form>
    </section>
  );
}
