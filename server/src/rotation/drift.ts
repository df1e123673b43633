// Drift checks (Coffer's, not AWS's): for a rotated database secret (a built-in template's, or another
// function's whose value names a supported engine), Coffer tests on a schedule that AWSCURRENT still logs in
// to its database, records the result (GetRotationStatus), reports it (metrics, audit trail) and, if asked,
// starts a rotation when it does not. Only the scheduler's lease holder runs due checks. A check is not run
// while a rotation is under way: between setSecret and finishSecret of a SingleUser rotation AWSCURRENT does
// not log in, by design.
import type { Store } from '../store/db.ts';
import type { SecretRotation } from '../services/secretsmanager/secret-service.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import * as driftDb from './drift-store.ts';
import * as db from './rotation-store.ts';
import { describeError } from './scrub.ts';

export type DriftStatus = 'ok' | 'drifted' | 'error';

/** A check's outcome, for the metrics and the audit trail (the message is scrubbed). */
export interface DriftEvent {
  secretArn: string;
  status: DriftStatus;
  previousStatus: DriftStatus | undefined;
  message: string;
  /** the kind of function, as in the rotation metrics: a template name, `http`, ... or `unregistered` */
  function: string;
  rotationStarted: boolean;
}

export interface DriftDeps {
  store: Store;
  secrets: SecretRotation;
  functions: FunctionRegistry;
  now: () => number;
  randomUUID: () => string;
  /** starts a rotation as the scheduler would (false when rotation is off or one is under way) */
  startRotation: (secretId: string, token: string) => Promise<boolean>;
  logger: { error(msg: string, fields?: Record<string, unknown>): void };
  onCheck?: (event: DriftEvent) => void;
}

/** `30s`, `5m`, `2h`, `1d` as seconds; `off` as undefined (the model's pattern has checked the form). */
export function parseDriftInterval(text: string): number | undefined {
  if (text === 'off') return undefined;
  const m = /^([1-9][0-9]{0,6})([smhd])$/.exec(text);
  if (!m) throw new Error(`invalid interval ${text}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export const MIN_DRIFT_INTERVAL_SECONDS = 60;
export const MAX_DRIFT_INTERVAL_SECONDS = 30 * 86400;

export function createDriftChecks(deps: DriftDeps) {
  const { store, now } = deps;

  /** Turns checks on (every `intervalSeconds`, the first one due now) or off (undefined). */
  async function configure(secret: { id: string; accountId: string; region: string }, intervalSeconds: number | undefined, rotateOnDrift: boolean): Promise<void> {
    if (intervalSeconds === undefined) return driftDb.deleteDriftCheck(store.db, secret.id);
    const existing = await driftDb.findDriftCheck(store.db, secret.id);
    await driftDb.saveDriftCheck(store.db, {
      secret_id: secret.id,
      account_id: secret.accountId,
      region: secret.region,
      interval_seconds: intervalSeconds,
      rotate_on_drift: rotateOnDrift ? 1 : 0,
      next_check_at: now(),
      checked_at: existing?.checked_at ?? null,
      status: existing?.status ?? null,
      message: existing?.message ?? null,
    });
  }

  /** The lease holder's part of a sweep: every due check, each once. */
  async function runDue(): Promise<void> {
    await driftDb.deleteOrphanDriftChecks(store.db);
    for (const row of await driftDb.driftChecksDue(store.db, now(), 100)) {
      if (!(await driftDb.claimDriftCheck(store.db, row.secret_id, row.next_check_at, now() + row.interval_seconds * 1000))) continue;
      try {
        await check(row.secret_id);
      } catch (err) {
        deps.logger.error('drift check failed unexpectedly', { secretId: row.secret_id, error: describeError(err) });
      }
    }
  }

  /**
   * Checks the secret's AWSCURRENT now and records the result; undefined (nothing recorded) while a rotation
   * is under way or when the secret has no checks configured.
   */
  async function check(secretId: string): Promise<driftDb.DriftRow | undefined> {
    const row = await driftDb.findDriftCheck(store.db, secretId);
    const secret = await deps.secrets.findById(secretId);
    if (!row || !secret) return undefined;
    const before = await db.findRotation(store.db, secretId);
    if (before?.run_token) return undefined;
    const arn = before?.lambda_arn ?? undefined;
    const checks = arn ? await deps.functions.credentialChecks(arn) : undefined;
    let status: DriftStatus;
    let message: string;
    if (!checks) {
      status = 'error';
      message = arn
        ? `The rotation function ${arn} is no longer registered: Coffer cannot tell how the secret is rotated.`
        : 'The secret has no rotation function: configure rotation (RotateSecret) first.';
    } else {
      try {
        const result = await checks.checkCurrent(secret.arn);
        status = result.ok ? 'ok' : 'drifted';
        message = result.message;
      } catch (err) {
        status = 'error';
        message = describeError(err);
      }
    }
    const after = await db.findRotation(store.db, secretId);
    // A rotation that started or finished meanwhile may have changed the password under the check.
    if (after?.run_token || after?.last_rotated_at !== before?.last_rotated_at) return undefined;
    const t = now();
    await driftDb.patchDriftCheck(store.db, secretId, { checked_at: t, status, message });
    let rotationStarted = false;
    if (status === 'drifted' && row.rotate_on_drift === 1) rotationStarted = await deps.startRotation(secretId, deps.randomUUID());
    try {
      const kind = arn ? await deps.functions.kindOf(arn) : undefined;
      deps.onCheck?.({ secretArn: secret.arn, status, previousStatus: (row.status ?? undefined) as DriftStatus | undefined, message, function: kind ?? 'unregistered', rotationStarted });
    } catch (err) {
      deps.logger.error('drift check could not be reported', { error: describeError(err) });
    }
    return driftDb.findDriftCheck(store.db, secretId);
  }

  return { configure, runDue, check, find: (secretId: string) => driftDb.findDriftCheck(store.db, secretId), countDrifted: () => driftDb.countDrifted(store.db) };
}

export type DriftChecks = ReturnType<typeof createDriftChecks>;
