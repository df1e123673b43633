// The rotation scheduler, called from the background sweep: starts each rotation whose window has begun
// (once: only the server holding the `rotation-scheduler` lease starts rotations, and a started rotation
// is a run row that one server at a time can claim), moves on the windows that passed while no server was
// running (a rotation starts inside its window or not at all), and has the engine work on due runs (new,
// retried, or left by a stopped server, which resume at the step they had reached, with the same token).
// It also removes the rotation rows of secrets that were purged, and runs the due drift checks (drift.ts).
import { acquireLease, releaseLease } from '../store/lease.ts';
import type { Store } from '../store/db.ts';
import type { RotationEngine } from './engine.ts';
import * as db from './rotation-store.ts';
import { ruleSet } from './rotate-secret.ts';
import { nextWindow, parseRotationRules } from './schedule-expression.ts';
import { describeError } from './scrub.ts';

export const SCHEDULER_LEASE = 'rotation-scheduler';

export interface SchedulerDeps {
  store: Store;
  now: () => number;
  holder: string;
  randomUUID: () => string;
  engine: RotationEngine;
  startScheduled: (secretId: string, token: string) => Promise<boolean>;
  /** the due drift checks (drift.ts), run by the lease holder */
  runDriftChecks: () => Promise<void>;
  logger: { error(msg: string, fields?: Record<string, unknown>): void };
  leaseMs: number;
}

export function createRotationScheduler(deps: SchedulerDeps) {
  const { store, now, holder } = deps;
  let stopped = false;
  let pass: Promise<void> | undefined;

  /** One pass: start due rotations (lease holder only), then run due steps. Resolves when the runs are done. */
  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    const p = runPass().finally(() => {
      if (pass === p) pass = undefined;
    });
    pass = p;
    return p;
  }

  /**
   * No pass starts from now on; waits (at most `waitMs`) for the one under way and the runs it started, then
   * gives the lease back, so that another server starts the due rotations without waiting for it to run out.
   */
  async function stop(waitMs: number): Promise<void> {
    stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([Promise.all([pass?.catch(() => {}), deps.engine.settled()]), deadline]);
    clearTimeout(timer);
    await releaseLease(store.db, SCHEDULER_LEASE, holder);
  }

  async function runPass(): Promise<void> {
    if (await acquireLease(store.db, SCHEDULER_LEASE, holder, now(), deps.leaseMs)) {
      // A purged secret (recovery window over, or ForceDeleteWithoutRecovery) takes its rotation with it.
      await db.deleteOrphanRotations(store.db);
      for (const row of await db.schedulesDue(store.db, now(), 100)) {
        try {
          await startDue(row);
        } catch (err) {
          deps.logger.error('scheduled rotation could not start', { secretId: row.secret_id, error: describeError(err) });
        }
      }
      await deps.runDriftChecks().catch((err) => deps.logger.error('drift checks failed', { error: describeError(err) }));
    }
    await deps.engine.processDue();
  }

  async function startDue(row: db.RotationRow): Promise<void> {
    const t = now();
    if (row.window_end !== null && t >= row.window_end) {
      // The whole window passed with no server running: the next one, rather than a rotation outside it.
      const schedule = parseRotationRules(ruleSet(row));
      const window = schedule ? nextWindow(schedule, t) : undefined;
      await db.patchRotation(store.db, row.secret_id, { window_start: window?.start ?? null, window_end: window?.end ?? null });
      return;
    }
    await deps.startScheduled(row.secret_id, deps.randomUUID());
  }

  return { tick, stop };
}

export type RotationScheduler = ReturnType<typeof createRotationScheduler>;
