// Who reads a secret's versions (admin API: GetSecretConsumers, from the audit trail) and consumer-aware
// retirement (GetRotationStatus: RetireAfterIdleSeconds, and Status held with the consumers that hold the next
// alternating-users rotation back). Retirement is set with `coffer rotation retirement`; a caller who may not
// read the audit trail sees nothing here.
import { useEffect, useState } from 'react';
import type { Clients } from '../../api/clients.ts';
import { formatDate } from '../../components/format.ts';

interface Consumer { PrincipalArn: string; LastReadDate: number; ReadAs: string }
interface VersionConsumers { VersionId: string; VersionStages: string[]; Consumers: Consumer[] }
interface RetirementView { Status?: string; LastError?: string; RetireAfterIdleSeconds?: number }

const dateOf = (epochSeconds: number) => new Date(epochSeconds * 1000);

function idleText(seconds: number): string {
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}

export function ConsumersPanel({ clients, secretArn, refresh }: { clients: Clients; secretArn: string; refresh?: unknown }) {
  const [versions, setVersions] = useState<VersionConsumers[] | undefined>();
  const [status, setStatus] = useState<RetirementView | undefined>();

  useEffect(() => {
    let live = true;
    void (async () => {
      const [consumers, rotation] = await Promise.all([
        clients.admin.call<{ Versions: VersionConsumers[] }>('GetSecretConsumers', { SecretId: secretArn }).catch(() => undefined),
        clients.admin.call<RetirementView>('GetRotationStatus', { SecretId: secretArn }).catch(() => undefined),
      ]);
      if (!live) return;
      setVersions(consumers?.Versions);
      setStatus(rotation);
    })();
    return () => { live = false; };
  }, [secretArn, refresh]);

  if (!versions) return null;
  const rows = versions.flatMap((v) => v.Consumers.map((c) => ({ v, c })));
  const idle = status?.RetireAfterIdleSeconds;
  return (
    <div className="consumers">
      <h3>Consumers (last day)</h3>
      <dl className="details">
        <dt>Retire AWSPREVIOUS after idle</dt>
        <dd>{idle ? idleText(idle) : 'Off (coffer rotation retirement turns it on)'}</dd>
      </dl>
      {status?.Status === 'held' && status.LastError && <p className="error" role="status">{status.LastError}</p>}
      {rows.length === 0 ? (
        <p>No reads of a labelled version in the audit trail.</p>
      ) : (
        <div className="table-scroll">
        <table className="grid" aria-label="Consumers">
          <thead><tr><th scope="col">Version ID</th><th scope="col">Staging labels</th><th scope="col">Principal</th><th scope="col">Last read</th><th scope="col">Read as</th></tr></thead>
          <tbody>
            {rows.map(({ v, c }) => (
              <tr key={`${v.VersionId} ${c.PrincipalArn}`}>
                <td className="mono">{v.VersionId}</td>
                <td>{v.VersionStages.map((stage) => <span className="tag" key={stage}>{stage}</span>)}</td>
                <td className="mono">{c.PrincipalArn}</td>
                <td>{formatDate(dateOf(c.LastReadDate))}</td>
                <td>{c.ReadAs}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </div>
  );
}
