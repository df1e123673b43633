import { useState, type FormEvent } from 'react';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { createClients } from '../../api/clients.ts';
import { REGIONS, type Session } from '../../api/session.ts';
import { ErrorMessage } from '../../components/error-message.tsx';

/**
 * The API's answer to an unknown access key id (UnrecognizedClientException) or a wrong secret key (the
 * signature-mismatch InvalidSignatureException) means the same to someone signing in: the pair was not accepted.
 * Other errors (a region the credential is not scoped to, an expired signature from a skewed clock) keep their text.
 */
function signInError(err: unknown): unknown {
  const e = err as { name?: string; message?: string } | undefined;
  const refused = e?.name === 'UnrecognizedClientException' || (e?.name === 'InvalidSignatureException' && /signature we calculated does not match/i.test(e.message ?? ''));
  return refused ? new Error('The key pair was not accepted: check the access key ID and the secret access key.') : err;
}

/** Checks the key pair with a ListSecrets call, then asks who it belongs to (GetUser answers for a user). */
export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const clients = createClients({ accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim(), region });
    try {
      await clients.sm.send(new ListSecretsCommand({ MaxResults: 1 }));
      let principal = `access key ${accessKeyId.trim()}`;
      try {
        const r = await clients.admin.call<{ User: { Arn: string } }>('GetUser');
        principal = r.User.Arn;
      } catch (err) {
        if ((err as Error).name === 'InvalidInputException') principal = `account root (access key ${accessKeyId.trim()})`;
      }
      onSignIn({ accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim(), region, principal });
    } catch (err) {
      setError(signInError(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="sign-in">
      <h1>Sign in to Coffer</h1>
      <form onSubmit={submit}>
        <label htmlFor="access-key-id">Access key ID</label>
        <input id="access-key-id" autoComplete="username" value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} required autoFocus />
        <label htmlFor="secret-access-key">Secret access key</label>
        <input id="secret-access-key" type="password" autoComplete="current-password" value={secretAccessKey} onChange={(e) => setSecretAccessKey(e.target.value)} required />
        <label htmlFor="region">Region</label>
        <select id="region" value={region} onChange={(e) => setRegion(e.target.value)}>
          {REGIONS.map((r) => <option key={r}>{r}</option>)}
        </select>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="hint">The key pair is kept in this tab's session storage only and cleared when you sign out.</p>
      </form>
    </main>
  );
}
