// The rotation engine: runs a rotation's steps in order (createSecret, setSecret, testSecret, finishSecret;
// testSecret alone for RotateImmediately=false), each through the secret's rotation function with AWS's
// event. Progress is saved after every step, so a run interrupted by a stopped server resumes with the same
// token at the step it had reached. A failed step is retried with backoff a bounded number of times; it
// leaves AWSCURRENT where it was and AWSPENDING on the pending version, and records the error, scrubbed.
// Only the server holding a run's claim (a conditional update on its row) works on it.
import type { Store } from '../store/db.ts';
import type { SecretRotation } from '../services/secretsmanager/secret-service.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import { STEPS, type Step } from './functions/types.ts';
import * as db from './rotation-store.ts';
import { ruleSet } from './rotate-secret.ts';
import { nextWindow, parseRotationRules } from './schedule-expression.ts';
import { describeError, MAX_ERROR_LENGTH } from './scrub.ts';

export interface EngineLogger {
  error(msg: string, fields?: Record<string, unknown>): void;
  info?(msg: string, fields?: Record<string, unknown>): void;
}

export interface EngineOptions {
  /** attempts of one run before it gives up (the first included) */
  maxAttempts: number;
  /** delay before retry n (1-based) is backoffMs * 4^(n-1) */
  backoffMs: number;
  /** how long a claim on a run lasts without being renewed (a crashed server's runs are free after it) */
  claimMs: number;
}

export interface EngineDeps {
  store: Store;
  /** the Secrets Manager service's part for rotation: the secret, its versions and labels */
  secrets: SecretRotation;
  now: () => number;
  /** this server's id in claims and leases */
  holder: string;
  functions: FunctionRegistry;
  logger: EngineLogger;
  options: EngineOptions;
  /** the secret's values (and their password members) a failed step's error must not show */
  secretValues?: (secretArn: string) => Promise<string[]>;
  /** called after each step and at the end of a run (the audit trail and `--wait` can follow a rotation) */
  onProgress?: (event: ProgressEvent) => void;
}

/** A run's progress: it started (or resumed), a step succeeded or failed (to be retried, or for good), it succeeded. */
export interface ProgressEvent {
  secretArn: string;
  token: string;
  status: 'started' | 'step-succeeded' | 'succeeded' | 'failed' | 'retrying';
  step?: Step;
  /** the attempt this is (1-based) */
  attempt: number;
  /** scrubbed */
  error?: string;
  /** the kind of rotation function, for metrics: its template's name, `http`, `command`, or `unregistered` */
  function: string;
  /** at the attempt's end (succeeded, retrying, failed): how long it took, by `now` */
  durationMs?: number;
}

export function createRotationEngine(deps: EngineDeps) {
  const { store, secrets, now, holder, logger, options } = deps;
  const inflight = new Set<Promise<void>>();

  function track(work: Promise<void>): void {
    const p = work.catch((err) => logger.error('rotation run failed unexpectedly', { error: describeError(err) })).finally(() => inflight.delete(p));
    inflight.add(p);
  }

  /** Starts the run of a secret in the background, if it has one that is due and free. */
  function start(secretId: string): void {
    track(process(secretId));
  }

  /** Runs every due run (new, to be retried, or abandoned by a stopped server); resolves when they are done. */
  async function processDue(): Promise<void> {
    const due = await db.runsDue(store.db, now(), 50);
    for (const row of due) track(process(row.secret_id));
    await settled();
  }

  async function settled(): Promise<void> {
    while (inflight.size > 0) await Promise.all([...inflight]);
  }

  /** Secrets whose run this process is working on: a second start while one runs does nothing. */
  const running = new Set<string>();

  async function process(secretId: string): Promise<void> {
    if (running.has(secretId)) return;
    running.add(secretId);
    try {
      await runOnce(secretId);
    } finally {
      running.delete(secretId);
    }
  }

  async function runOnce(secretId: string): Promise<void> {
    const row = await db.findRotation(store.db, secretId);
    if (!row?.run_token || row.run_next_at === null || row.run_next_at > now()) return;
    const token = row.run_token;
    if (!(await db.claimRun(store.db, secretId, token, holder, now(), now() + options.claimMs))) return;
    const secret = await secrets.findById(secretId);
    if (!secret) {
      await db.deleteRotation(store.db, secretId);
      return;
    }
    const attempt = row.run_attempts + 1;
    const startedAt = now();
    const kind = row.lambda_arn ? await deps.functions.kindOf(row.lambda_arn).catch(() => undefined) : undefined;
    const report = (status: ProgressEvent['status'], step?: Step, error?: string) => {
      const ended = status === 'succeeded' || status === 'retrying' || status === 'failed';
      try {
        deps.onProgress?.({
          secretArn: secret.arn,
          token,
          status,
          ...(step ? { step } : {}),
          attempt,
          ...(error ? { error } : {}),
          function: kind ?? 'unregistered',
          ...(ended ? { durationMs: now() - startedAt } : {}),
        });
      } catch (err) {
        logger.error('rotation progress could not be reported', { error: describeError(err) });
      }
    };
    const steps: readonly Step[] = row.run_mode === 'test' ? ['testSecret'] : STEPS;
    let step: Step = steps[row.run_step] ?? 'finishSecret';
    // This attempt's RotationToken (a fresh one per attempt: the raw token is never stored, so a resumed run
    // cannot hand out the old one); it stops being valid when the attempt ends, however it ends.
    let rotationToken: string | undefined;
    report('started', step);
    try {
      if (secret.deleted) throw new Error('the secret is scheduled for deletion');
      const invoke = row.lambda_arn ? await deps.functions.invoker(row.lambda_arn) : undefined;
      if (!invoke) throw new Error(`the rotation function ${row.lambda_arn ?? '(none)'} is not registered or not allowed`);
      rotationToken = await secrets.withSecret(secretId, async (locked) => locked?.issueRotationToken());
      for (let i = row.run_step; i < steps.length; i++) {
        step = steps[i];
        await invoke({ SecretId: secret.arn, ClientRequestToken: token, Step: step, ...(rotationToken ? { RotationToken: rotationToken } : {}) });
        if (!(await stillOurs(secretId, token))) return; // cancelled meanwhile
        await db.patchRotation(store.db, secretId, { run_step: i + 1, run_claim_until: now() + options.claimMs });
        report('step-succeeded', step);
      }
      await finish(secretId, token, row.run_mode === 'test');
      report('succeeded');
      logger.info?.('rotation succeeded', { secret: secret.arn, token });
    } catch (err) {
      // A function that echoes its event or the secret in an error must not put them in the run's error.
      const known = await (deps.secretValues?.(secret.arn) ?? Promise.resolve([])).catch(() => []);
      const message = `${step}: ${describeError(err, [rotationToken, ...known], MAX_ERROR_LENGTH - step.length - 2)}`;
      if (!(await stillOurs(secretId, token))) return;
      const giveUp = attempt >= options.maxAttempts;
      await db.patchRotation(store.db, secretId, {
        run_attempts: attempt,
        run_next_at: giveUp ? null : now() + options.backoffMs * 4 ** (attempt - 1),
        run_claimed_by: null,
        run_claim_until: null,
        last_status: giveUp ? 'failed' : 'retrying',
        last_error: message,
        last_error_at: now(),
      });
      report(giveUp ? 'failed' : 'retrying', step, message);
      logger.error(giveUp ? 'rotation failed' : 'rotation step failed, will retry', { secret: secret.arn, token, attempts: attempt, error: message });
    } finally {
      if (rotationToken) await revoke(secretId, rotationToken);
    }
  }

  async function revoke(secretId: string, rotationToken: string): Promise<void> {
    try {
      await secrets.withSecret(secretId, async (locked) => locked?.revokeRotationToken(rotationToken));
    } catch (err) {
      // Left valid only until the next attempt replaces it or the run is cancelled; the attempt's outcome stands.
      logger.error('the rotation token could not be revoked', { secret: secretId, error: describeError(err, [rotationToken]) });
    }
  }

  async function stillOurs(secretId: string, token: string): Promise<boolean> {
    const row = await db.findRotation(store.db, secretId);
    return row?.run_token === token && row.run_claimed_by === holder;
  }

  /**
   * The end of a run. A rotation is finished when finishSecret has moved AWSCURRENT to the token's version;
   * the service then takes AWSPENDING off it. A configuration test takes AWSPENDING off its version.
   */
  async function finish(secretId: string, token: string, test: boolean): Promise<void> {
    await secrets.withSecret(secretId, async (secret, tx) => {
      if (!test && secret?.current !== token) {
        throw new Error(`finishSecret returned without moving AWSCURRENT to version ${token}`);
      }
      await secret?.clearPending(token);
      const row = (await db.findRotation(tx, secretId))!;
      const t = now();
      const schedule = parseRotationRules(ruleSet(row));
      // The next window is the first that starts after this rotation (a test keeps the schedule it had).
      const from = test ? (row.last_rotated_at ?? t) : t;
      const window = schedule && row.enabled ? nextWindow(schedule, from) : undefined;
      await db.patchRotation(tx, secretId, {
        ...(test ? {} : { last_rotated_at: t }),
        window_start: window?.start ?? null,
        window_end: window?.end ?? null,
        run_token: null,
        run_mode: null,
        run_step: 0,
        run_attempts: 0,
        run_next_at: null,
        run_claimed_by: null,
        run_claim_until: null,
        last_status: 'succeeded',
        last_error: null,
        last_error_at: null,
      });
    });
  }

  return { start, processDue, settled };
}

export type RotationEngine = ReturnType<typeof createRotationEngine>;
