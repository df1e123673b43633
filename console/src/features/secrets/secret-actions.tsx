import { useState, type FormEvent } from 'react';
import { DeleteSecretCommand, UpdateSecretCommand, type DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { KeyPicker } from '../../components/key-picker.tsx';

interface Props { clients: Clients; secret: DescribeSecretResponse; onDone: () => void; onClose: () => void }

/** Runs one API call from a dialog's form; an error stays beside the Save button and the form keeps its input. */
function useSubmit(action: () => Promise<unknown>, onDone: () => void) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, submit };
}

export function EditDescriptionDialog({ clients, secret, onDone, onClose }: Props) {
  const [description, setDescription] = useState(secret.Description ?? '');
  const { error, busy, submit } = useSubmit(() => clients.sm.send(new UpdateSecretCommand({ SecretId: secret.ARN, Description: description })), onDone);
  return (
    <Dialog title="Edit description" open onClose={onClose}>
      <form onSubmit={submit}>
        <label htmlFor="description-edit">Description</label>
        <textarea id="description-edit" rows={3} maxLength={2048} value={description} onChange={(e) => setDescription(e.target.value)} />
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>Save</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}

export function EditKeyDialog({ clients, secret, onDone, onClose }: Props) {
  const [keyId, setKeyId] = useState(secret.KmsKeyId ?? '');
  const { error, busy, submit } = useSubmit(
    () => clients.sm.send(new UpdateSecretCommand({ SecretId: secret.ARN, KmsKeyId: keyId === '' ? 'alias/aws/secretsmanager' : keyId })),
    onDone,
  );
  return (
    <Dialog title="Edit encryption key" open onClose={onClose}>
      <form onSubmit={submit}>
        <div className="warning" role="note" id="key-warning">
          <p>
            <strong>What changes:</strong> new versions are encrypted under the new key, and the versions labelled
            AWSCURRENT, AWSPREVIOUS and AWSPENDING are moved under it at once, in the same change (their data keys are
            re-wrapped; the values stay the same). Versions without a label stay under the old key: keep the old key
            enabled while you may need them.
          </p>
          <p>
            The old key must still be usable: if it is disabled or pending deletion, nothing is changed and the error
            is shown here. Moving the versions needs kms:Decrypt on the old key and kms:Encrypt on the new one; without
            them only new versions use the new key, as in AWS, so update the value before you disable or delete the old key.
          </p>
        </div>
        <label htmlFor="key-edit">Encryption key</label>
        <KeyPicker clients={clients} id="key-edit" value={keyId} onChange={setKeyId} />
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} aria-describedby="key-warning">Save</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}

export function DeleteDialog({ clients, secret, onDone, onClose }: Props) {
  const [days, setDays] = useState(30);
  const { error, busy, submit } = useSubmit(() => clients.sm.send(new DeleteSecretCommand({ SecretId: secret.ARN, RecoveryWindowInDays: days })), onDone);
  return (
    <Dialog title="Schedule secret deletion" open onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          The secret <strong>{secret.Name}</strong> will be deleted after the recovery window. Until then it can be restored
          with <em>Cancel deletion</em>; no one can read its value meanwhile.
        </p>
        <label htmlFor="recovery-days">Waiting period (7 to 30 days)</label>
        <input id="recovery-days" type="number" min={7} max={30} value={days} onChange={(e) => setDays(Number(e.target.value))} />
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="submit" className="danger" disabled={busy}>Schedule deletion</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
