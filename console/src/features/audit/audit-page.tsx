import { useEffect, useState, type FormEvent } from 'react';
import type { Clients } from '../../api/clients.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatDate } from '../../components/format.ts';
import { Pager, usePages } from '../../components/pager.tsx';
import { resourceLabel } from './resource.ts';

interface AuditEvent { EventId: string; EventName: string; EventSource?: string; EventTime: number; Username?: string; PrincipalArn?: string; ResourceArn?: string; ErrorCode?: string; AccessKeyId?: string; CloudTrailEvent?: string }
interface Filters { hours: number; eventName: string; principalArn: string; resourceArn: string }

function requestParameters(event: AuditEvent): Record<string, unknown> | undefined {
  try { return event.CloudTrailEvent ? (JSON.parse(event.CloudTrailEvent) as { requestParameters?: Record<string, unknown> }).requestParameters : undefined; } catch { return undefined; }
}

function ResourceCell({ event }: { event: AuditEvent }) {
  const label = resourceLabel(event.ResourceArn, event.ResourceArn?.startsWith('arn:') ? undefined : requestParameters(event));
  if (!label) return <td />;
  return <td title={label.arn}><span className="kind">{label.kind}</span> <span className="mono">{label.name}</span></td>;
}

/** LookupEvents on the admin API (newest first within the chosen window), for principals allowed cloudtrail:LookupEvents. */
export function AuditPage({ clients }: { clients: Clients }) {
  const [form, setForm] = useState<Filters>({ hours: 24, eventName: '', principalArn: '', resourceArn: '' });
  const [applied, setApplied] = useState<Filters>(form);
  const pages = usePages();
  const [events, setEvents] = useState<AuditEvent[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    setError(undefined);
    clients.admin.call<{ Events: AuditEvent[]; NextToken?: string }>('LookupEvents', {
      StartTime: Math.floor(Date.now() / 1000) - applied.hours * 3600,
      ...(applied.eventName ? { EventName: applied.eventName } : {}),
      ...(applied.principalArn ? { PrincipalArn: applied.principalArn } : {}),
      ...(applied.resourceArn ? { ResourceArn: applied.resourceArn } : {}),
      MaxResults: 50,
      ...(pages.token ? { NextToken: pages.token } : {}),
    }).then((r) => { if (live) { setEvents(r.Events); setNext(r.NextToken); } }, (err) => { if (live) { setError(err); setEvents(undefined); } });
    return () => { live = false; };
  }, [clients, applied, pages.token, pages.page]);
  function submit(e: FormEvent) {
    e.preventDefault();
    setApplied({ ...form, eventName: form.eventName.trim(), principalArn: form.principalArn.trim(), resourceArn: form.resourceArn.trim() });
    pages.reset();
  }
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <form className="toolbar" onSubmit={submit}>
        <label htmlFor="audit-hours">Last</label>
        <select id="audit-hours" value={form.hours} onChange={(e) => setForm({ ...form, hours: Number(e.target.value) })}>
          <option value={1}>hour</option><option value={24}>24 hours</option><option value={168}>7 days</option><option value={720}>30 days</option>
        </select>
        <label htmlFor="audit-event">Event name</label>
        <input id="audit-event" value={form.eventName} placeholder="e.g. GetSecretValue" onChange={(e) => setForm({ ...form, eventName: e.target.value })} />
        <label htmlFor="audit-principal">Principal ARN</label>
        <input id="audit-principal" value={form.principalArn} onChange={(e) => setForm({ ...form, principalArn: e.target.value })} />
        <label htmlFor="audit-resource">Resource ARN</label>
        <input id="audit-resource" value={form.resourceArn} onChange={(e) => setForm({ ...form, resourceArn: e.target.value })} />
        <button type="submit">Apply filters</button>
      </form>
      <ErrorMessage error={error} />
      <div className="table-scroll">
      <table className="grid">
        <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Principal</th><th scope="col">Resource</th><th scope="col">Error</th></tr></thead>
        <tbody>
          {events?.map((e) => (
            <tr key={e.EventId}>
              <td>{formatDate(new Date(e.EventTime * 1000))}</td>
              <td>{e.EventSource?.split('.')[0]}:{e.EventName}</td>
              <td className="mono">{e.Username ?? e.PrincipalArn}</td>
              <ResourceCell event={e} />
              <td>{e.ErrorCode}</td>
            </tr>
          ))}
          {events?.length === 0 && <tr><td colSpan={5}>No events match.</td></tr>}
        </tbody>
      </table>
      </div>
      <Pager label="Pages of events" pages={pages} nextToken={next} />
    </section>
  );
}
