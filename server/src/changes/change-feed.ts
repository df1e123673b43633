// The change feed: which secrets had their value or staging labels changed, read from the audit trail (so
// there is no second write path: a change's event is stored before the change is answered, and its seq is the
// feed's position). A reader names the position it has seen; the feed answers the changes after it that the
// reader may know of (secretsmanager:GetSecretValue or DescribeSecret on the secret), oldest first, and the
// position to resume from. With a wait, it checks the trail's head every POLL_MS (one query shared by all the
// waiting readers) and looks at the new events when it has grown, until something is found or the time is up:
// polling the store (not an in-process signal) also sees what other servers on the same database wrote.
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
  // a replica written in its region (the primary's change reaches a reader of the replica this way)
  'ReplicationSucceeded',
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

  /**
   * The trail's last seq, read at most once per POLL_MS for all the readers waiting on this server: an idle
   * reader costs nothing more than that one query, and looks at events only once the trail has grown past it.
   */
  let head: { at: number; seq: Promise<number> } | undefined;
  function currentHead(): Promise<number> {
    if (!head || now() - head.at >= POLL_MS) head = { at: now(), seq: deps.trail.position() };
    return head.seq;
  }

  async function read(scope: RequestScope, query: ChangeQuery): Promise<{ changes: SecretChange[]; position: number }> {
    if (query.after === undefined) return { changes: [], position: await deps.trail.position() };
    const deadline = now() + query.waitMs;
    let after = query.after;
    for (let first = true; ; first = false) {
      // The first look reads the trail itself: the shared head may be up to POLL_MS old.
      if (first || (await currentHead()) > after) {
        const found = await look(scope, after, query.limit);
        after = found.position;
        if (found.changes.length > 0) return found;
      }
      if (now() >= deadline || query.signal?.aborted) return { changes: [], position: after };
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - now())));
    }
  }

  return { read };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
