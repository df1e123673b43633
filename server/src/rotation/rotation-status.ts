// The rotation-status view (CofferAdmin.GetRotationStatus, `coffer rotation-status`): a secret's rotation
// configuration, the run in progress (its token, the steps done and the next one, attempts, the next attempt)
// and the last outcome with its error, and the drift check's setting and last result. Errors were scrubbed of
// passwords before they were stored (scrub.ts). With RetireAfterIdle: the idle time and who still reads AWSPREVIOUS.
import { STEPS, type Step } from './functions/types.ts';
import type { Consumer, Consumers } from './consumers.ts';
import type { DriftRow } from './drift-store.ts';
import type { RotationRow } from './rotation-store.ts';
import { rotationFields } from './rotate-secret.ts';

export type RotationStatus = 'running' | 'retrying' | 'failed' | 'succeeded' | 'cancelled' | 'held';

export interface RotationStatusView {
  ARN: string;
  Name: string;
  RotationEnabled: boolean;
  RotationLambdaARN?: string;
  Status?: RotationStatus;
  PendingVersionId?: string;
  Mode?: 'rotate' | 'test';
  Steps?: Step[];
  CompletedSteps?: Step[];
  NextStep?: Step;
  Attempts?: number;
  MaxAttempts?: number;
  NextAttemptDate?: Date;
  LastError?: string;
  LastErrorDate?: Date;
  LastRotatedDate?: Date;
  NextRotationDate?: Date;
  DriftCheckIntervalSeconds?: number;
  RotateOnDrift?: boolean;
  DriftStatus?: string;
  DriftMessage?: string;
  LastDriftCheckDate?: Date;
  NextDriftCheckDate?: Date;
  RetireAfterIdleSeconds?: number;
  PreviousVersionConsumers?: Consumer[];
}

/**
 * Consumer-aware retirement's fields (none when it is off): the idle time and, for a caller who may read the
 * audit trail (`withConsumers`), who read AWSPREVIOUS within it (as of up to 10 s ago).
 */
export async function retirementFields(consumers: Consumers, secret: { id: string; arn: string; name: string; accountId: string }, withConsumers: boolean): Promise<Partial<RotationStatusView>> {
  const setting = await consumers.setting(secret.id);
  if (!setting) return {};
  const readers = withConsumers ? (await consumers.previousReadersForStatus(secret, setting.idle_seconds)).consumers : undefined;
  return { RetireAfterIdleSeconds: setting.idle_seconds, ...(readers ? { PreviousVersionConsumers: readers } : {}) };
}

/** The drift check's fields of the view (none when checks are off). */
export function driftFields(row: DriftRow | undefined): Partial<RotationStatusView> {
  if (!row) return {};
  return {
    DriftCheckIntervalSeconds: row.interval_seconds,
    RotateOnDrift: row.rotate_on_drift === 1,
    ...(row.status ? { DriftStatus: row.status } : {}),
    ...(row.message ? { DriftMessage: row.message } : {}),
    ...(row.checked_at !== null ? { LastDriftCheckDate: new Date(row.checked_at) } : {}),
    NextDriftCheckDate: new Date(row.next_check_at),
  };
}

export function stepsOf(mode: string | null): Step[] {
  return mode === 'test' ? ['testSecret'] : [...STEPS];
}

export function rotationStatusView(secret: { arn: string; name: string }, row: RotationRow | undefined, maxAttempts: number, drift?: DriftRow): RotationStatusView {
  const base = { ARN: secret.arn, Name: secret.name };
  if (!row) return { ...base, RotationEnabled: false, ...driftFields(drift) };
  const fields = rotationFields(row);
  const run = row.run_token
    ? (() => {
        const steps = stepsOf(row.run_mode);
        return {
          PendingVersionId: row.run_token,
          Mode: (row.run_mode ?? 'rotate') as 'rotate' | 'test',
          Steps: steps,
          CompletedSteps: steps.slice(0, row.run_step),
          ...(row.run_step < steps.length ? { NextStep: steps[row.run_step] } : {}),
          Attempts: row.run_attempts,
          MaxAttempts: maxAttempts,
          ...(row.run_next_at !== null ? { NextAttemptDate: new Date(row.run_next_at) } : {}),
        };
      })()
    : {};
  return {
    ...base,
    RotationEnabled: row.enabled === 1,
    ...(fields.RotationLambdaARN ? { RotationLambdaARN: fields.RotationLambdaARN } : {}),
    ...(row.last_status ? { Status: row.last_status as RotationStatus } : {}),
    ...run,
    ...(row.last_error ? { LastError: row.last_error } : {}),
    ...(row.last_error_at !== null ? { LastErrorDate: new Date(row.last_error_at) } : {}),
    ...(fields.LastRotatedDate ? { LastRotatedDate: fields.LastRotatedDate } : {}),
    ...(fields.NextRotationDate ? { NextRotationDate: fields.NextRotationDate } : {}),
    ...driftFields(drift),
  };
}
