import { useCallback, useEffect, useState } from 'react';
import { DescribeSecretCommand, type DescribeSecretResponse } from '@aws-sdk/client-secrets-manager';
import type { Clients } from '../../api/clients.ts';

export function useSecret(clients: Clients, secretId: string) {
  const [secret, setSecret] = useState<DescribeSecretResponse | undefined>();
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let live = true;
    clients.sm.send(new DescribeSecretCommand({ SecretId: secretId })).then(
      (r) => { if (live) { setSecret(r); setError(undefined); } },
      (err) => live && setError(err),
    );
    return () => { live = false; };
  }, [clients, secretId, generation]);
  return { secret, error, reload, generation };
}
