import { useEffect, useState } from 'react';
import { ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import type { Clients } from '../api/clients.ts';
import { ErrorMessage } from './error-message.tsx';

/** A select of the KMS keys the caller can list: the default aws/secretsmanager, aliases, then bare keys. */
export function KeyPicker({ clients, id, value, onChange }: { clients: Clients; id: string; value: string; onChange: (keyId: string) => void }) {
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    Promise.all([clients.kms.send(new ListAliasesCommand({ Limit: 100 })), clients.kms.send(new ListKeysCommand({ Limit: 1000 }))]).then(
      ([aliases, keys]) => {
        if (!live) return;
        const named = (aliases.Aliases ?? []).filter((a) => a.TargetKeyId && a.AliasName !== 'alias/aws/secretsmanager');
        const aliased = new Set(named.map((a) => a.TargetKeyId));
        setOptions([
          ...named.map((a) => ({ value: a.AliasName!, label: `${a.AliasName} (${a.TargetKeyId})` })),
          ...(keys.Keys ?? []).filter((k) => !aliased.has(k.KeyId)).map((k) => ({ value: k.KeyId!, label: k.KeyId! })),
        ]);
      },
      (err) => live && setError(err),
    );
    return () => { live = false; };
  }, [clients]);
  const known = value === '' || value === 'alias/aws/secretsmanager' || options.some((o) => o.value === value);
  return (
    <>
      <select id={id} value={value === 'alias/aws/secretsmanager' ? '' : value} onChange={(e) => onChange(e.target.value)}>
        <option value="">aws/secretsmanager (default)</option>
        {!known && <option value={value}>{value}</option>}
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <ErrorMessage error={error} />
    </>
  );
}
