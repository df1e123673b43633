import { useEffect, useState, type FormEvent } from 'react';
import { ListSecretVersionIdsCommand, UpdateSecretVersionStageCommand, type DescribeSecretResponse, type SecretVersionsListEntry } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatDate } from '../../components/format.ts';

/** ListSecretVersionIds (deprecated versions too) with each version's labels and key; "Move label". */
export function VersionsSection({ clients, secret, generation, onChanged }: { clients: Clients; secret: DescribeSecretResponse; generation: number; onChanged: () => void }) {
  const [versions, setVersions] = useState<SecretVersionsListEntry[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [moving, setMoving] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    clients.sm.send(new ListSecretVersionIdsCommand({ SecretId: secret.ARN, IncludeDeprecated: true, MaxResults: 100 })).then(
      (r) => live && setVersions([...(r.Versions ?? [])].sort((a, b) => (b.CreatedDate?.getTime() ?? 0) - (a.CreatedDate?.getTime() ?? 0))),
      (err) => live && setError(err),
    );
    return () => { live = false; };
  }, [clients, secret.ARN, generation]);
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <ErrorMessage error={error} />
      <div className="table-scroll">
      <table className="grid" aria-label="Versions">
        <thead><tr><th scope="col">Version ID</th><th scope="col">Staging labels</th><th scope="col">Created</th><th scope="col">KMS key</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          {versions?.map((v) => (
            <tr key={v.VersionId} data-version={v.VersionId}>
              <td className="mono">{v.VersionId}</td>
              <td>{(v.VersionStages ?? []).map((s) => <span className="tag" key={s}>{s}</span>)}{(v.VersionStages ?? []).length === 0 && '(deprecated)'}</td>
              <td>{formatDate(v.CreatedDate)}</td>
              <td className="mono">{(v.KmsKeyIds ?? []).join(', ') || '—'}</td>
              <td><button type="button" onClick={() => setMoving(v.VersionId)} aria-label={`Move a label to version ${v.VersionId}`}>Move label here</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {moving && versions && <MoveLabelDialog clients={clients} secretId={secret.ARN!} versions={versions} target={moving} onClose={() => setMoving(undefined)} onDone={() => { setMoving(undefined); onChanged(); }} />}
    </section>
  );
}

function MoveLabelDialog({ clients, secretId, versions, target, onClose, onDone }: { clients: Clients; secretId: string; versions: SecretVersionsListEntry[]; target: string; onClose: () => void; onDone: () => void }) {
  const labels = [...new Set(['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING', ...versions.flatMap((v) => v.VersionStages ?? [])])];
  const [label, setLabel] = useState('AWSCURRENT');
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<unknown>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const stage = label === '__custom' ? custom : label;
    const from = versions.find((v) => v.VersionStages?.includes(stage))?.VersionId;
    setError(undefined);
    try {
      await clients.sm.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: stage, MoveToVersionId: target, RemoveFromVersionId: from && from !== target ? from : undefined }));
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <Dialog title="Move staging label" onClose={onClose}>
      <form onSubmit={submit}>
        <p>Move a label to version <span className="mono">{target}</span>. Moving AWSCURRENT makes the version it leaves AWSPREVIOUS.</p>
        <label htmlFor="move-label">Staging label</label>
        <select id="move-label" value={label} onChange={(e) => setLabel(e.target.value)}>
          {labels.map((l) => <option key={l}>{l}</option>)}
          <option value="__custom">Another label…</option>
        </select>
        {label === '__custom' && (<><label htmlFor="custom-label">Label</label><input id="custom-label" value={custom} onChange={(e) => setCustom(e.target.value)} /></>)}
        <ErrorMessage error={error} />
        <div className="actions"><button type="submit" className="primary">Move label</button><button type="button" onClick={onClose}>Cancel</button></div>
      </form>
    </Dialog>
  );
}
