// Follows Coffer's change feed (the admin API's GetSecretChanges, a long poll signed like every call) and
// tells the cache which secrets changed. It starts at the feed's current position and keeps the last position
// it has handled: when the feed breaks (Coffer restarting, the network), it retries every RETRY_MS and resumes
// from there, so no change is missed; meanwhile the cache's TTL is what bounds how old an answer can be.
import type { Caller } from '../client/call.ts';
import { ServiceError } from '../errors.ts';

const WAIT_SECONDS = 20;
const RETRY_MS = 500;
/** after an error the service gave (not a broken connection): e.g. an endpoint without the feed */
const REFUSED_RETRY_MS = 30_000;
const REFUSALS = /UnknownOperation|NotImplemented|InvalidAction|UnrecognizedClient|InvalidSignature|AccessDenied|IncompleteSignature/;

export interface ChangeWatcherOptions {
  caller: Pick<Caller, 'call'>;
  onChange: (arn: string, name: string) => Promise<unknown>;
  log: (level: 'debug' | 'info' | 'warn', message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

interface ChangesPage {
  Changes?: Array<{ ARN?: string; Name?: string; EventName?: string }>;
  Position?: number;
}

export function startChangeWatcher(options: ChangeWatcherOptions) {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  let stopped = false;
  let position: number | undefined;
  let broken = false;
  let markReady: () => void = () => {};
  /** settles after the first answer or failure: from then on no change is missed (the agent listens after it) */
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  async function poll(): Promise<void> {
    const params = position === undefined ? {} : { After: position, WaitSeconds: WAIT_SECONDS };
    // A Coffer that accepts the call and never answers counts as a broken feed, not a wait without end.
    const page = (await options.caller.call('GetSecretChanges', params, { abortSignal: AbortSignal.timeout((WAIT_SECONDS + 10) * 1000) })) as ChangesPage;
    if (broken) options.log('info', `change feed: connected again, resuming after position ${position ?? 'now'}`);
    broken = false;
    for (const change of page.Changes ?? []) {
      if (!change.ARN) continue;
      options.log('debug', `change feed: ${change.EventName} on ${change.Name}`);
      await options.onChange(change.ARN, change.Name ?? '');
    }
    if (typeof page.Position === 'number') position = page.Position;
    markReady();
  }

  const done = (async () => {
    while (!stopped) {
      try {
        await poll();
      } catch (err) {
        if (stopped) break;
        if (!broken) options.log('warn', `change feed unavailable (${(err as Error).message.split('\n')[0]}); values are refreshed by their TTL until it is back`);
        broken = true;
        markReady();
        await sleep(err instanceof ServiceError && REFUSALS.test(err.code) ? REFUSED_RETRY_MS : RETRY_MS);
      }
    }
  })();

  return {
    /** the last position handled (undefined before the first answer) */
    ready,
    position: () => position,
    connected: () => position !== undefined && !broken,
    stop: () => {
      stopped = true;
      return done;
    },
  };
}
