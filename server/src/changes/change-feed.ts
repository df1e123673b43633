// The change feed: which secrets had their value or staging labels changed, read from the audit trail (so
// there is no second write path: a change's event is stored before the change is answered, and its seq is the
// feed's position). A reader names the position it has seen; the feed answers the changes after it that the
// reader may know of (secretsmanager:GetSecretValue or DescribeSecret on the secret), oldest first, and the
// position to resume from. With a wait, it looks again every POLL_MS until something is found or the time is
// up: polling the store (not an in-process signal) also sees what other servers on the same database wrote.
import type { RequestScope } from '../access/authorizer.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { SecretService } from '../services/secretsmanager/secret-service.ts';

/** The calls (and rotation's service event) after which a secret's value, labels or existence may differ. */
const CHANGE_EVENTS = new Set([
  'PutSecretValue',
  'UpdateSecret',
  'UpdateSecretVersionStage',
  'RotateSecret',
  'CancelRotateSecret',
  'RotationSucceeded',
  'DeleteSecret',
  'RestoreSecret',
  // who may read it changed: a reader refetches and learns its new answer
  'PutResourcePolicy',
  'DeleteResourcePolicy',
  'TagResource',
  'UntagResource',
]);
const POLL_MS = 100;
/** Events examined per look: a reader far behind catches up over several answers. */
const SCAN_LIMIT = 5000;

export interface SecretChange {
  position: number;
  arn: string;
  name: string;
  eventName: string;
  eventTime: number;
}

export interface ChangeFeedDeps {
  trail: Pick<AuditTrail, 'eventsAfter' | 'position'>;
  secrets: Pick<SecretService, 'watchableSecrets'>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface ChangeQuery {
  /** the position already seen; undefined: start now (answer the current position, no changes) */
  after?: number;
  waitMs: number;
  limit: number;
  /** ends the wait early (the server is closing, the client went away) */
  signal?: AbortSignal;
}

export function createChangeFeed(deps: ChangeFeedDeps) {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;

  /** One look: the caller's changes after `after` among the next events, and how far it looked. */
  async function look(scope: RequestScope, after: number, limit: number): Promise<{ changes: SecretChange[]; position: number }> {
    const prefix = `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:`;
    const events = await deps.trail.eventsAfter(after, SCAN_LIMIT);
    const candidates = events.filter((e) => e.account_id === scope.accountId && e.resource_arn?.startsWith(prefix) && CHANGE_EVENTS.has(e.event_name));
    const allowed = await deps.secrets.watchableSecrets(scope, candidates.map((e) => e.resource_arn!));
    const changes: SecretChange[] = [];
    let position = events.length > 0 ? events[events.length - 1].seq : after;
    for (const e of candidates) {
      const name = allowed.get(e.resource_arn!);
      if (name === undefined) continue;
      if (changes.length === limit) {
        // the rest is for the next answer: resume just before this change
        position = e.seq - 1;
        break;
      }
      changes.push({ position: e.seq, arn: e.resource_arn!, name, eventName: e.event_name, eventTime: e.event_time });
    }
    return { changes, position };
  }

  async function read(scope: RequestScope, query: ChangeQuery): Promise<{ changes: SecretChange[]; position: number }> {
    if (query.after === undefined) return { changes: [], position: await deps.trail.position() };
    const deadline = now() + query.waitMs;
    let after = query.after;
    for (;;) {
      const found = await look(scope, after, query.limit);
      after = found.position;
      if (found.changes.length > 0 || now() >= deadline || query.signal?.aborted) return found;
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - now())));
    }
  }

  return { read };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
