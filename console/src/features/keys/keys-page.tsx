import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, DescribeKeyCommand, DisableKeyCommand,
  EnableKeyCommand, ListKeysCommand, ScheduleKeyDeletionCommand, type KeyMetadata,
} from '@aws-sdk/client-kms';
import type { SecretListEntry } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatDate } from '../../components/format.ts';
import { secretsByKeyHref } from '../../components/router.ts';
import { keyIdOf, listAllAliases, listAllSecrets } from './protected-secrets.ts';

/** `secrets`: how many secrets the key protects; undefined when the caller may not list secrets. */
interface KeyRow { meta: KeyMetadata; aliases: string[]; secrets?: number }

export function KeysPage({ clients }: { clients: Clients }) {
  const [rows, setRows] = useState<KeyRow[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [rowError, setRowError] = useState<{ keyId: string; error: unknown } | undefined>();
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'delete' | 'alias'; keyId: string } | undefined>();
  const load = useCallback(async () => {
    try {
      const [keys, aliasList] = await Promise.all([clients.kms.send(new ListKeysCommand({ Limit: 1000 })), listAllAliases(clients)]);
      const metas = await Promise.all((keys.Keys ?? []).map((k) => clients.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId })).then((d) => d.KeyMetadata!)));
      let secrets: SecretListEntry[] | undefined;
      try { secrets = await listAllSecrets(clients, { IncludePlannedDeletion: true }); } catch { /* the caller may not list secrets: show keys anyway */ }
      const counts = new Map<string, number>();
      for (const s of secrets ?? []) {
        const keyId = keyIdOf(s.KmsKeyId, aliasList);
        counts.set(keyId, (counts.get(keyId) ?? 0) + 1);
      }
      setRows(metas.map((meta) => ({
        meta,
        aliases: aliasList.filter((a) => a.TargetKeyId === meta.KeyId).map((a) => a.AliasName!),
        secrets: secrets && (counts.get(meta.KeyId!) ?? 0),
      })));
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  }, [clients]);
  useEffect(() => { void load(); }, [load]);
  async function act(keyId: string, action: () => Promise<unknown>) {
    setRowError(undefined);
    try { await action(); await load(); } catch (err) { setRowError({ keyId, error: err }); }
  }
  return (
    <section aria-labelledby="keys-title">
      <div className="page-head">
        <h1 id="keys-title">Encryption keys</h1>
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>Create key</button>
      </div>
      <ErrorMessage error={error} />
      <div className="table-scroll">
      <table className="grid">
        <thead><tr><th scope="col">Key</th><th scope="col">Aliases</th><th scope="col">Description</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Secrets it protects</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {rows?.map(({ meta, aliases, secrets }) => (
            <tr key={meta.KeyId} data-key={meta.KeyId}>
              <td><span className="mono key-id">{meta.KeyId}</span>{meta.KeyManager === 'AWS' && <span className="badge">AWS managed</span>}</td>
              <td>{aliases.map((a) => <span className="tag" key={a}>{a}{meta.KeyManager !== 'AWS' && <button type="button" className="link" aria-label={`Delete alias ${a}`} onClick={() => act(meta.KeyId!, () => clients.kms.send(new DeleteAliasCommand({ AliasName: a })))}>×</button>}</span>)}</td>
              <td>{meta.Description}</td>
              <td>{meta.KeyState}{meta.DeletionDate && ` (deletion ${formatDate(meta.DeletionDate)})`}</td>
              <td>{formatDate(meta.CreationDate)}</td>
              <td className="nowrap">{secrets === undefined ? '—' : secrets === 0 ? 'None' : <a href={secretsByKeyHref(meta.KeyId!)}>{secrets === 1 ? '1 secret' : `${secrets} secrets`}</a>}</td>
              <td><div className="row-actions">
                {meta.KeyManager !== 'AWS' && (
                  <>
                    {meta.KeyState === 'Enabled' && <button type="button" onClick={() => act(meta.KeyId!, () => clients.kms.send(new DisableKeyCommand({ KeyId: meta.KeyId })))}>Disable</button>}
                    {meta.KeyState === 'Disabled' && <button type="button" onClick={() => act(meta.KeyId!, () => clients.kms.send(new EnableKeyCommand({ KeyId: meta.KeyId })))}>Enable</button>}
                    {meta.KeyState === 'PendingDeletion'
                      ? <button type="button" onClick={() => act(meta.KeyId!, () => clients.kms.send(new CancelKeyDeletionCommand({ KeyId: meta.KeyId })))}>Cancel deletion</button>
                      : <button type="button" onClick={() => setDialog({ kind: 'delete', keyId: meta.KeyId! })}>Schedule deletion</button>}
                    <button type="button" onClick={() => setDialog({ kind: 'alias', keyId: meta.KeyId! })}>Add alias</button>
                  </>
                )}
                {rowError && rowError.keyId === meta.KeyId && <ErrorMessage error={rowError.error} />}
              </div></td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {dialog?.kind === 'create' && (
        <FormDialog title="Create key" label="Description" submitLabel="Create key" onClose={() => setDialog(undefined)}
          onSubmit={async (v) => { await clients.kms.send(new CreateKeyCommand({ Description: v || undefined })); setDialog(undefined); await load(); }} />
      )}
      {dialog?.kind === 'alias' && (
        <FormDialog title="Add alias" label="Alias name (alias/...)" initial="alias/" submitLabel="Add alias" onClose={() => setDialog(undefined)}
          onSubmit={async (v) => { await clients.kms.send(new CreateAliasCommand({ AliasName: v, TargetKeyId: dialog.keyId })); setDialog(undefined); await load(); }} />
      )}
      {dialog?.kind === 'delete' && (
        <FormDialog title="Schedule key deletion" label="Waiting period in days (7-30)" initial="30" submitLabel="Schedule deletion" onClose={() => setDialog(undefined)}
          note="Secrets encrypted under this key can no longer be read once it is deleted. Check the secrets it protects first."
          onSubmit={async (v) => { await clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: dialog.keyId, PendingWindowInDays: Number(v) })); setDialog(undefined); await load(); }} />
      )}
    </section>
  );
}

function FormDialog({ title, label, initial = '', submitLabel, note, onSubmit, onClose }: { title: string; label: string; initial?: string; submitLabel: string; note?: string; onSubmit: (value: string) => Promise<void>; onClose: () => void }) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<unknown>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try { await onSubmit(value); } catch (err) { setError(err); }
  }
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit}>
        {note && <p className="warning">{note}</p>}
        <label htmlFor="dialog-value">{label}</label>
        <input id="dialog-value" value={value} onChange={(e) => setValue(e.target.value)} />
        <ErrorMessage error={error} />
        <div className="actions"><button type="submit" className="primary">{submitLabel}</button><button type="button" onClick={onClose}>Cancel</button></div>
      </form>
    </Dialog>
  );
}
