// Coffer's drift check and rollback in a secret's rotation section (admin API: GetRotationStatus,
// CheckRotationDrift, RollbackRotation). Checks are turned on with `coffer rotation drift`; a caller who may not
// read the rotation status sees nothing here.
import { useEffect, useState } from 'react';
import type { Clients } from '../../api/clients.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatDate } from '../../components/format.ts';

interface DriftView {
  DriftCheckIntervalSeconds?: number;
  RotateOnDrift?: boolean;
  DriftStatus?: 'ok' | 'drifted' | 'error';
  DriftMessage?: string;
  LastDriftCheckDate?: number;
  NextDriftCheckDate?: number;
}

const STATUS_TEXT = { ok: 'AWSCURRENT logs in', drifted: 'Drifted: AWSCURRENT does not log in', error: 'The check could not run' } as const;

function every(seconds: number): string {
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds % size === 0) return `Every ${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `Every ${seconds} seconds`;
}

const dateOf = (epochSeconds: number | undefined) => (epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000));

export function DriftPanel({ clients, secretArn, hasFunction, onChanged }: { clients: Clients; secretArn: string; hasFunction: boolean; onChanged: () => void }) {
  const [view, setView] = useState<DriftView | undefined>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);

  async function load() {
    try {
      setView(await clients.admin.call<DriftView>('GetRotationStatus', { SecretId: secretArn }));
    } catch {
      setView(undefined); // not allowed to read the rotation status: nothing to show
    }
  }
  useEffect(() => {
    void load();
  }, [secretArn]);

  async function checkNow() {
    setError(undefined);
    setNotice(undefined);
    try {
      setView(await clients.admin.call<DriftView>('CheckRotationDrift', { SecretId: secretArn }));
    } catch (err) {
      setError(err);
    }
  }
  async function rollBack() {
    setConfirming(false);
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await clients.admin.call<{ VersionId: string }>('RollbackRotation', { SecretId: secretArn });
      setNotice(`Rolled back: version ${r.VersionId} is AWSCURRENT again.`);
      onChanged();
      await load();
    } catch (err) {
      setError(err);
    }
  }

  if (!view) return null;
  const interval = view.DriftCheckIntervalSeconds;
  return (
    <div className="drift">
      <ErrorMessage error={error} />
      {notice && <p className="ok" role="status">{notice}</p>}
      <dl className="details">
        <dt>Drift check</dt>
        <dd>{interval ? `${every(interval)}${view.RotateOnDrift ? ', rotate on drift' : ''}` : 'Off (coffer rotation drift turns it on)'}</dd>
        {interval && (
          <>
            <dt>Drift status</dt>
            <dd className={view.DriftStatus === 'ok' ? undefined : 'error'}>{view.DriftStatus ? STATUS_TEXT[view.DriftStatus] : 'Not checked yet'}</dd>
            {view.DriftMessage && (<><dt>Last check said</dt><dd className="mono">{view.DriftMessage}</dd></>)}
            <dt>Last drift check</dt><dd>{formatDate(dateOf(view.LastDriftCheckDate))}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        {interval && <button type="button" onClick={checkNow}>Check drift now</button>}
        {hasFunction && <button type="button" onClick={() => setConfirming(true)}>Roll back rotation</button>}
      </div>
      {confirming && (
        <Dialog title="Roll back rotation" onClose={() => setConfirming(false)}>
          <p>AWSCURRENT moves back to the AWSPREVIOUS version, and the database is set back to match (for a database credential: the same user's previous password, or the previous user). Nothing changes if the previous credentials cannot log in.</p>
          <div className="actions"><button type="button" className="primary" onClick={rollBack}>Roll back</button><button type="button" onClick={() => setConfirming(false)}>Cancel</button></div>
        </Dialog>
      )}
    </div>
  );
}
