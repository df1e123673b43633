// RotateSecret and CancelRotateSecret, and the rotation fields DescribeSecret shows. The configuration and
// the AWSPENDING placeholder are written in one transaction, which the secret service opens with the secret row
// locked (secret-rotation.ts); the engine then runs the steps (engine.ts). AWS's contract is in shared/reference/aws-behaviours.md, "Rotation".
import type {
  CancelRotateSecretRequest,
  CancelRotateSecretResponse,
  DescribeSecretResponse,
  RotateSecretRequest,
  RotateSecretResponse,
} from '@aws-sdk/client-secrets-manager';
import { awsErrors } from '../errors/aws-errors.ts';
import type { Tx } from '../store/db.ts';
import type { RequestScope } from '../access/authorizer.ts';
import type { LockedSecret, RotationTarget, SecretRotation } from '../services/secretsmanager/secret-service.ts';
import * as db from './rotation-store.ts';
import { nextWindow, parseRotationRules, type RotationRules } from './schedule-expression.ts';

export const NO_FUNCTION = 'No Lambda rotation function ARN is associated with this secret.';
export const IN_PROGRESS = "A previous rotation isn't complete. That rotation will be reattempted.";
export const CANNOT_INVOKE =
  'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.';

export interface RotateSecretDeps {
  /** the Secrets Manager service's part for rotation: the secret, its versions and labels */
  secrets: SecretRotation;
  now: () => number;
  /** true when the ARN names a function registered in Coffer that can be invoked */
  functionExists(arn: string, tx: Tx): Promise<boolean>;
  /** the engine picks up the run now (in the background) */
  startRun(secretId: string): void;
  /**
   * Why a rotation of the secret must wait (consumers.ts: RetireAfterIdle and AWSPREVIOUS still read), with the
   * time it may start; undefined when it need not. `lambdaArn`: the function RotateSecret names, if any.
   */
  hold(secret: RotationTarget, lambdaArn?: string): Promise<{ message: string; until: number } | undefined>;
}

export function createRotateSecret(deps: RotateSecretDeps) {
  const { secrets, now } = deps;

  async function rotateSecret(scope: RequestScope, input: RotateSecretRequest): Promise<RotateSecretResponse> {
    const token = secrets.requireToken(input.ClientRequestToken, awsErrors.invalidParameter);
    if (input.ExternalSecretRotationMetadata !== undefined || input.ExternalSecretRotationRoleArn !== undefined) {
      throw awsErrors.notImplemented('Coffer does not rotate managed external secrets (ExternalSecretRotationMetadata, ExternalSecretRotationRoleArn) yet.');
    }
    const rules = input.RotationRules as RotationRules | undefined;
    parseRotationRules(rules); // the rules are checked before anything is looked up
    const mode = input.RotateImmediately === false ? 'test' : 'rotate';
    if (mode === 'rotate') {
      // Checked before the transaction: it reads the audit trail, which writes its queue first.
      const held = await deps.hold(await secrets.authorize(scope, input.SecretId!, 'RotateSecret'), input.RotationLambdaARN);
      if (held) throw awsErrors.invalidRequest(held.message);
    }
    const secret = await secrets.withRequestedSecret(scope, input.SecretId!, 'RotateSecret', async (secret, tx) => {
      const row = await db.findRotation(tx, secret.id);
      const lambdaArn = input.RotationLambdaARN || row?.lambda_arn;
      if (!lambdaArn) throw awsErrors.invalidRequest(NO_FUNCTION);
      // Nothing is saved when the function cannot be invoked (AWS: AccessDeniedException).
      if (!(await deps.functionExists(lambdaArn, tx))) throw awsErrors.accessDenied(CANNOT_INVOKE);
      const t = now();
      const config = {
        lambda_arn: lambdaArn,
        after_days: rules ? (rules.AutomaticallyAfterDays ?? null) : (row?.after_days ?? null),
        schedule_expression: rules ? (rules.ScheduleExpression ?? null) : (row?.schedule_expression ?? null),
        duration: rules ? (rules.Duration ?? null) : (row?.duration ?? null),
        enabled: 1,
      };
      if (midRotation(secret)) {
        // The same token resumes the unfinished rotation (a retry of RotateSecret, or after it gave up).
        if (secret.pending === token && row?.run_token === token) {
          await db.patchRotation(tx, secret.id, { ...config, run_attempts: 0, run_next_at: t, last_status: 'running' });
          return secret;
        }
        throw awsErrors.invalidRequest(IN_PROGRESS);
      }
      if (await secret.hasVersion(token)) {
        throw awsErrors.invalidRequest(`A version with the ClientRequestToken ${token} already exists for this secret; use a new token.`);
      }
      // A test of the configuration gets a copy of AWSCURRENT's value; the engine takes AWSPENDING off it afterwards.
      await secret.addPendingVersion(token, mode === 'test');
      const effective = parseRotationRules(ruleSet(config));
      const from = mode === 'test' ? (row?.last_rotated_at ?? t) : t;
      const window = effective ? nextWindow(effective, from) : undefined;
      await db.saveRotation(tx, {
        secret_id: secret.id,
        account_id: secret.accountId,
        region: secret.region,
        ...config,
        last_rotated_at: row?.last_rotated_at ?? null,
        window_start: window?.start ?? null,
        window_end: window?.end ?? null,
        run_token: token,
        run_mode: mode,
        run_step: 0,
        run_attempts: 0,
        run_next_at: t,
        run_claimed_by: null,
        run_claim_until: null,
        last_status: 'running',
        last_error: row?.last_error ?? null,
        last_error_at: row?.last_error_at ?? null,
      });
      return secret;
    });
    deps.startRun(secret.id);
    return { ARN: secret.arn, Name: secret.name, VersionId: token };
  }

  async function cancelRotateSecret(scope: RequestScope, input: CancelRotateSecretRequest): Promise<CancelRotateSecretResponse> {
    return secrets.withRequestedSecret(scope, input.SecretId!, 'CancelRotateSecret', async (secret, tx) => {
      const row = await db.findRotation(tx, secret.id);
      if (row) {
        await db.patchRotation(tx, secret.id, {
          enabled: 0,
          window_start: null,
          window_end: null,
          run_token: null,
          run_mode: null,
          run_next_at: null,
          run_claimed_by: null,
          run_claim_until: null,
          last_status: row.run_token ? 'cancelled' : row.last_status,
        });
      }
      // The attempt under way (if any) can no longer write as part of the rotation.
      await secret.revokeRotationToken();
      // AWSPENDING stays where it is: the caller decides whether to remove it (see the operation's documentation).
      const unfinished = row?.run_token ?? secret.pending;
      return { ARN: secret.arn, Name: secret.name, ...(unfinished ? { VersionId: unfinished } : {}) };
    });
  }

  /**
   * A rotation the scheduler starts in a secret's window: a new token and its AWSPENDING placeholder, as
   * RotateSecret would. False (and the window moves on) when the secret is gone, deleted or mid-rotation.
   */
  async function startScheduled(secretId: string, token: string): Promise<boolean> {
    const target = await secrets.findById(secretId);
    const held = target && !target.deleted ? await deps.hold(target) : undefined;
    if (held) {
      await postpone(secretId, held);
      return false;
    }
    const started = await secrets.withSecret(secretId, async (secret, tx) => {
      const row = await db.findRotation(tx, secretId);
      if (!secret || !row || row.enabled !== 1 || row.run_token !== null) return false;
      const t = now();
      if (secret.deleted || midRotation(secret)) {
        const schedule = parseRotationRules(ruleSet(row));
        const window = schedule ? nextWindow(schedule, t) : undefined;
        const error = secret.deleted ? 'the secret is scheduled for deletion' : IN_PROGRESS;
        await db.patchRotation(tx, secretId, { window_start: window?.start ?? null, window_end: window?.end ?? null, last_status: 'failed', last_error: error, last_error_at: t });
        return false;
      }
      await secret.addPendingVersion(token, false);
      await db.patchRotation(tx, secretId, {
        run_token: token, run_mode: 'rotate', run_step: 0, run_attempts: 0, run_next_at: t, run_claimed_by: null, run_claim_until: null, last_status: 'running',
      });
      return true;
    });
    if (started) deps.startRun(secretId);
    return started;
  }

  /**
   * A held rotation: its window starts again when the hold can end (the length it had kept), so the scheduler
   * tries it then rather than on every pass; the status says who holds it.
   */
  async function postpone(secretId: string, held: { message: string; until: number }): Promise<void> {
    await secrets.withSecret(secretId, async (_secret, tx) => {
      const row = await db.findRotation(tx, secretId);
      if (!row || row.run_token !== null) return;
      const length = row.window_start !== null && row.window_end !== null ? row.window_end - row.window_start : 0;
      await db.patchRotation(tx, secretId, {
        window_start: held.until,
        window_end: Math.max(row.window_end ?? 0, held.until + Math.max(length, 60_000)),
        last_status: 'held',
        last_error: held.message,
        last_error_at: now(),
      });
    });
  }

  return { rotateSecret, cancelRotateSecret, startScheduled };
}

/** AWSPENDING on a version other than AWSCURRENT's: a rotation has not finished. */
function midRotation(secret: LockedSecret): boolean {
  return secret.pending !== undefined && secret.pending !== secret.current;
}

export function ruleSet(row: Pick<db.RotationRow, 'after_days' | 'schedule_expression' | 'duration'>): RotationRules | undefined {
  const rules: RotationRules = {
    ...(row.after_days !== null ? { AutomaticallyAfterDays: row.after_days } : {}),
    ...(row.schedule_expression !== null ? { ScheduleExpression: row.schedule_expression } : {}),
    ...(row.duration !== null ? { Duration: row.duration } : {}),
  };
  return Object.keys(rules).length > 0 ? rules : undefined;
}

/** DescribeSecret's rotation fields, as AWS shows them: nothing for a secret never configured for rotation. */
export function rotationFields(row: db.RotationRow | undefined): Partial<DescribeSecretResponse> {
  if (!row) return {};
  const rules = ruleSet(row);
  const enabled = row.enabled === 1;
  return {
    RotationEnabled: enabled,
    ...(row.lambda_arn ? { RotationLambdaARN: row.lambda_arn } : {}),
    ...(rules ? { RotationRules: rules } : {}),
    ...(enabled && row.last_rotated_at !== null ? { LastRotatedDate: new Date(row.last_rotated_at) } : {}),
    // "the latest date that rotation will occur": the last second of the next window
    ...(enabled && row.window_end !== null ? { NextRotationDate: new Date(row.window_end - 1000) } : {}),
  };
}
