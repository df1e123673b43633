import { useEffect, useState } from 'react';
import { DeleteResourcePolicyCommand, GetResourcePolicyCommand, PutResourcePolicyCommand, ValidateResourcePolicyCommand, type DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { PolicyEditor } from '../editors/policy-editor.tsx';
import { EXAMPLE_ACCOUNT, POLICY_TEMPLATE, policyProblem } from '../editors/policy.ts';

/** Edit resource permissions: GetResourcePolicy, the JSON editor with ValidateResourcePolicy, then PutResourcePolicy. */
export function PolicyDialog({ clients, secret, onDone, onClose }: { clients: Clients; secret: DescribeSecretResponse; onDone: () => void; onClose: () => void }) {
  const [text, setText] = useState<string | undefined>();
  const [existing, setExisting] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    clients.sm.send(new GetResourcePolicyCommand({ SecretId: secret.ARN })).then(
      (r) => {
        setExisting(!!r.ResourcePolicy);
        setText(r.ResourcePolicy ? JSON.stringify(JSON.parse(r.ResourcePolicy), null, 2) : POLICY_TEMPLATE.replace('*', secret.ARN!));
      },
      (err) => { setError(err); setText(''); },
    );
  }, [clients, secret.ARN]);
  async function save() {
    const problem = policyProblem(text ?? '');
    if (problem) { setError(new Error(problem)); return; }
    setError(undefined);
    try {
      await clients.sm.send(new PutResourcePolicyCommand({ SecretId: secret.ARN, ResourcePolicy: text, BlockPublicPolicy: true }));
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  async function remove() {
    setError(undefined);
    try { await clients.sm.send(new DeleteResourcePolicyCommand({ SecretId: secret.ARN })); onDone(); } catch (err) { setError(err); }
  }
  return (
    <Dialog title="Edit resource permissions" onClose={onClose}>
      {text !== undefined && !existing && !error && (
        <p className="warning" role="note">
          No resource policy is attached to this secret yet. The editor holds an example to start from, not a policy in
          force: it would let account {EXAMPLE_ACCOUNT} read the value. Put your own principals in it, then Save to attach it.
        </p>
      )}
      {text === undefined ? <p>Loading…</p> : (
        <PolicyEditor value={text} onChange={setText} validate={(t) => clients.sm.send(new ValidateResourcePolicyCommand({ SecretId: secret.ARN, ResourcePolicy: t }))} />
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="primary" onClick={save}>Save</button>
        {existing && <button type="button" className="danger" onClick={remove}>Delete policy</button>}
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}
