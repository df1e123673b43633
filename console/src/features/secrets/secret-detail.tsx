import { useRef, useState } from 'react';
import { RestoreSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatDate, formatDay } from '../../components/format.ts';
import { useSecret } from './use-secret.ts';
import { SecretValue } from './secret-value.tsx';
import { DeleteDialog, EditDescriptionDialog, EditKeyDialog } from './secret-actions.tsx';
import { TagsSection } from './tags-section.tsx';
import { VersionsSection } from './versions-section.tsx';
import { RotationSection } from './rotation-section.tsx';
import { PolicyDialog } from './policy-dialog.tsx';

type Open = 'description' | 'key' | 'delete' | 'policy' | undefined;

export function SecretDetail({ clients, secretId }: { clients: Clients; secretId: string }) {
  const { secret, error, reload, generation } = useSecret(clients, secretId);
  const [open, setOpen] = useState<Open>();
  const [menu, setMenu] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const actionsButton = useRef<HTMLButtonElement>(null);
  if (!secret) return <section><p><a href="#/secrets">Secrets</a></p><ErrorMessage error={error} />{!error && <p>Loading…</p>}</section>;
  const done = () => { setOpen(undefined); reload(); };
  // Focus goes back to Actions first, so the dialog returns it there when it closes.
  const choose = (o: Open) => { actionsButton.current?.focus(); setMenu(false); setOpen(o); };
  async function restore() {
    actionsButton.current?.focus();
    setMenu(false);
    setActionError(undefined);
    try { await clients.sm.send(new RestoreSecretCommand({ SecretId: secret!.ARN })); reload(); } catch (err) { setActionError(err); }
  }
  return (
    <section aria-labelledby="secret-title">
      <nav aria-label="Breadcrumb" className="crumbs"><a href="#/secrets">Secrets</a> › {secret.Name}</nav>
      <div className="page-head">
        <h1 id="secret-title">{secret.Name}</h1>
        <div className="menu">
          <button type="button" ref={actionsButton} aria-expanded={menu} aria-controls="actions-menu" onClick={() => setMenu(!menu)}>Actions ▾</button>
          {menu && (
            <ul id="actions-menu" className="menu-list" onKeyDown={(e) => { if (e.key === 'Escape') setMenu(false); }}>
              <li><button type="button" onClick={() => choose('description')}>Edit description</button></li>
              <li><button type="button" onClick={() => choose('key')}>Edit encryption key</button></li>
              <li><button type="button" onClick={() => choose('policy')}>Edit resource permissions</button></li>
              {secret.DeletedDate
                ? <li><button type="button" onClick={restore}>Cancel deletion</button></li>
                : <li><button type="button" onClick={() => choose('delete')}>Delete secret</button></li>}
            </ul>
          )}
        </div>
      </div>
      <ErrorMessage error={error ?? actionError} />
      {secret.DeletedDate && <p className="warning" role="status">This secret is scheduled for deletion on {formatDate(secret.DeletedDate)}. Choose Actions, Cancel deletion to restore it.</p>}
      <section className="panel" aria-labelledby="overview-title">
        <h2 id="overview-title">Secret details</h2>
        <dl className="details">
          <dt>Encryption key</dt><dd>{secret.KmsKeyId ?? 'aws/secretsmanager'}</dd>
          <dt>Secret name</dt><dd>{secret.Name}</dd>
          <dt>Secret ARN</dt><dd className="mono">{secret.ARN}</dd>
          <dt>Secret description</dt><dd>{secret.Description || '—'}</dd>
          <dt>Created</dt><dd>{formatDate(secret.CreatedDate)}</dd>
          <dt>Last changed</dt><dd>{formatDate(secret.LastChangedDate)}</dd>
          {/* AWS keeps only the day of the last access (LastAccessedDate is midnight UTC): no time to show. */}
          <dt>Last retrieved</dt><dd>{formatDay(secret.LastAccessedDate)}</dd>
        </dl>
      </section>
      <SecretValue clients={clients} secretId={secret.ARN!} onSaved={reload} disabled={!!secret.DeletedDate} />
      <TagsSection clients={clients} secret={secret} onSaved={reload} />
      <RotationSection clients={clients} secret={secret} onSaved={reload} />
      <VersionsSection clients={clients} secret={secret} generation={generation} onChanged={reload} />
      {open === 'description' && <EditDescriptionDialog clients={clients} secret={secret} onDone={done} onClose={() => setOpen(undefined)} />}
      {open === 'key' && <EditKeyDialog clients={clients} secret={secret} onDone={done} onClose={() => setOpen(undefined)} />}
      {open === 'delete' && <DeleteDialog clients={clients} secret={secret} onDone={done} onClose={() => setOpen(undefined)} />}
      {open === 'policy' && <PolicyDialog clients={clients} secret={secret} onDone={done} onClose={() => setOpen(undefined)} />}
    </section>
  );
}
