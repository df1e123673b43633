import { useState, type FormEvent } from 'react';
import { CancelRotateSecretCommand, RotateSecretCommand, type DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatDate } from '../../components/format.ts';
import { ConsumersPanel } from './consumers-panel.tsx';
import { DriftPanel } from './drift-panel.tsx';
import { previewDates, scheduleProblem, type Schedule } from './schedule.ts';

export function RotationSection({ clients, secret, onSaved }: { clients: Clients; secret: DescribeSecretResponse; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();
  const rules = secret.RotationRules;
  async function rotateNow() {
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await clients.sm.send(new RotateSecretCommand({ SecretId: secret.ARN }));
      setNotice(`Rotation started: version ${r.VersionId}.`);
      onSaved();
    } catch (err) {
      setError(err);
    }
  }
  async function disable() {
    setError(undefined);
    try { await clients.sm.send(new CancelRotateSecretCommand({ SecretId: secret.ARN })); onSaved(); } catch (err) { setError(err); }
  }
  return (
    <section className="panel" aria-labelledby="rotation-title">
      <div className="panel-head">
        <h2 id="rotation-title">Rotation configuration</h2>
        <button type="button" onClick={() => setEditing(true)}>Edit rotation</button>
        {secret.RotationLambdaARN && <button type="button" onClick={rotateNow}>Rotate secret immediately</button>}
        {secret.RotationEnabled && <button type="button" onClick={disable}>Disable rotation</button>}
      </div>
      <ErrorMessage error={error} />
      {notice && <p className="ok" role="status">{notice}</p>}
      <dl className="details">
        <dt>Rotation status</dt><dd>{secret.RotationEnabled ? 'Enabled' : 'Disabled'}</dd>
        <dt>Rotation schedule</dt><dd>{rules?.ScheduleExpression ?? (rules?.AutomaticallyAfterDays ? `Every ${rules.AutomaticallyAfterDays} days` : '—')}{rules?.Duration ? `, window ${rules.Duration}` : ''}</dd>
        <dt>Rotation function</dt><dd className="mono">{secret.RotationLambdaARN ?? '—'}</dd>
        <dt>Last rotated</dt><dd>{formatDate(secret.LastRotatedDate)}</dd>
        <dt>Next rotation</dt><dd>{formatDate(secret.NextRotationDate)}</dd>
      </dl>
      <DriftPanel clients={clients} secretArn={secret.ARN!} hasFunction={Boolean(secret.RotationLambdaARN)} onChanged={onSaved} />
      <ConsumersPanel clients={clients} secretArn={secret.ARN!} refresh={secret.LastRotatedDate?.getTime()} />
      {editing && <RotationDialog clients={clients} secret={secret} onClose={() => setEditing(false)} onDone={() => { setEditing(false); onSaved(); }} />}
    </section>
  );
}

function RotationDialog({ clients, secret, onClose, onDone }: { clients: Clients; secret: DescribeSecretResponse; onClose: () => void; onDone: () => void }) {
  const rules = secret.RotationRules;
  const [fn, setFn] = useState(secret.RotationLambdaARN ?? '');
  const [kind, setKind] = useState<Schedule['kind']>(rules?.ScheduleExpression ? 'expression' : 'days');
  const [days, setDays] = useState(rules?.AutomaticallyAfterDays ?? 30);
  const [expression, setExpression] = useState(rules?.ScheduleExpression ?? 'rate(10 days)');
  const [duration, setDuration] = useState(rules?.Duration ?? '');
  const [immediately, setImmediately] = useState(true);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const schedule: Schedule = kind === 'days' ? { kind, days } : { kind, expression };
  const problem = scheduleProblem(schedule);
  const preview = problem ? undefined : previewDates(schedule, new Date());
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (problem) { setError(new Error(problem)); return; }
    setBusy(true);
    setError(undefined);
    try {
      await clients.sm.send(new RotateSecretCommand({
        SecretId: secret.ARN,
        RotationLambdaARN: fn.trim() || undefined,
        RotationRules: { ...(kind === 'days' ? { AutomaticallyAfterDays: days } : { ScheduleExpression: expression.trim() }), ...(duration.trim() ? { Duration: duration.trim() } : {}) },
        RotateImmediately: immediately,
      }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog title="Edit rotation configuration" onClose={onClose}>
      <form onSubmit={submit}>
        <label htmlFor="rotation-function">Rotation function ARN</label>
        <input id="rotation-function" className="mono" placeholder="arn:aws:lambda:region:account:function:name" value={fn} onChange={(e) => setFn(e.target.value)} />
        <fieldset>
          <legend>Rotation schedule</legend>
          <label className="check"><input type="radio" name="schedule-kind" checked={kind === 'days'} onChange={() => setKind('days')} /> Every N days</label>
          <label className="check"><input type="radio" name="schedule-kind" checked={kind === 'expression'} onChange={() => setKind('expression')} /> Schedule expression</label>
          {kind === 'days' ? (
            <><label htmlFor="rotation-days">Days between rotations</label><input id="rotation-days" type="number" min={1} max={1000} value={days} onChange={(e) => setDays(Number(e.target.value))} /></>
          ) : (
            <><label htmlFor="rotation-expression">Schedule expression (rate or cron, UTC)</label><input id="rotation-expression" className="mono" value={expression} onChange={(e) => setExpression(e.target.value)} /></>
          )}
          <label htmlFor="rotation-window">Window duration (1h–24h, optional)</label>
          <input id="rotation-window" placeholder="e.g. 4h" value={duration} onChange={(e) => setDuration(e.target.value)} />
          <div aria-live="polite" className="hint">
            {problem && <p className="error">{problem}</p>}
            {preview && preview.length > 0 && <p>Next rotations (UTC, window start): {preview.map((d) => d.toISOString().slice(0, 16).replace('T', ' ')).join(', ')}</p>}
            {preview && preview.length === 0 && <p>This schedule names no time in the next five years.</p>}
          </div>
        </fieldset>
        <label className="check"><input type="checkbox" checked={immediately} onChange={(e) => setImmediately(e.target.checked)} /> Rotate immediately when saved</label>
        <ErrorMessage error={error} />
        <div className="actions"><button type="submit" className="primary" disabled={busy}>Save</button><button type="button" onClick={onClose}>Cancel</button></div>
      </form>
    </Dialog>
  );
}
