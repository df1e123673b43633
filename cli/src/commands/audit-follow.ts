// `coffer audit ... --follow`: after the listing, keeps asking LookupEvents for newer events (the same
// filters, from the newest event's time on) and prints each new one as a line of JSON, as `tail -f` would,
// until interrupted. LookupEvents answers newest first (as CloudTrail); what is found later is printed in time
// order, oldest first. Events of the same second are told apart by their id, so none is printed twice.
import type { GlobalOptions } from '../args/global-options.ts';
import { createJsonCaller } from '../client/json-caller.ts';
import { loadServiceModel, shapeOf } from '../model/service-model.ts';
import { COFFER_ADMIN } from '../model/services.ts';
import { normalize } from '../output/normalize.ts';
import { writeStdout } from './context.ts';

const POLL_MS = 1000;

interface AuditEvent {
  EventId?: string;
  EventTime?: Date | number | string;
}

const seconds = (t: Date | number | string | undefined): number | undefined =>
  t === undefined ? undefined : t instanceof Date ? t.getTime() / 1000 : typeof t === 'number' ? t : Date.parse(t) / 1000;

/** The time of the newest of these events, in seconds. */
function newest(events: AuditEvent[]): number | undefined {
  let latest: number | undefined;
  for (const e of events) {
    const t = seconds(e.EventTime);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

export async function followAudit(result: Record<string, unknown>, params: Record<string, unknown>, globals: GlobalOptions): Promise<void> {
  const listed = (result.Events as AuditEvent[] | undefined) ?? [];
  const seen = new Set(listed.map((e) => e.EventId));
  let from = newest(listed) ?? Date.now() / 1000;
  const model = loadServiceModel(COFFER_ADMIN.modelFile);
  const output = shapeOf(model, model.operations.LookupEvents.output!);
  const caller = await createJsonCaller(model, COFFER_ADMIN.json!, globals);
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopped) {
      let NextToken: string | undefined;
      const fresh: AuditEvent[] = [];
      do {
        const raw = await caller.call('LookupEvents', { ...params, StartTime: Math.floor(from), EndTime: undefined, NextToken });
        // the same form as the listing's lines
        const page = normalize(model, output, raw) as { Events?: AuditEvent[]; NextToken?: string };
        for (const event of page.Events ?? []) if (!seen.has(event.EventId)) fresh.push(event);
        NextToken = page.NextToken;
      } while (NextToken && !stopped);
      if (fresh.length > 0) {
        await writeStdout(fresh.reverse().map((e) => `${JSON.stringify(e)}\n`).join(''));
        for (const e of fresh) seen.add(e.EventId);
        from = newest(fresh) ?? from;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    caller.destroy();
  }
}
