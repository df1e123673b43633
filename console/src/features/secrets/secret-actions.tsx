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
          <strong>Important:</strong> if you change the encryption key that's used by a secret, you must update the secret value
          (with UpdateSecret or PutSecretValue, or Edit then Save here) at least once before you disable or delete the first key.
          Updating the value decrypts it using the old key and re-encrypts it with the new key. If you disable or delete the
          first key before this update, the value cannot be decrypted and you lose it unless you can re-enable the key.
          <br />
          What Coffer does about it: the versions already stored stay under the old key (the versions table shows each
          version's key), and Coffer refuses nothing on your behalf, so keep the old key enabled until every version you
          need has been written again under the new one.
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
