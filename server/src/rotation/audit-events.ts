// A rotation's progress as audit-trail events, named as CloudTrail names Secrets Manager's own service events
// (RotationStarted, RotationSucceeded, RotationFailed) plus Coffer's per-step ones (RotationStepSucceeded,
// RotationStepFailed: a step failed and will be retried). The error is the engine's, already scrubbed.
import type { DriftEvent } from './drift.ts';
import type { ProgressEvent } from './engine.ts';
import { parseSecretArnScope } from './secret-arn.ts';

export interface RotationAuditEvent {
  accountId: string;
  region: string;
  eventName: string;
  resourceArn: string;
  details: Record<string, string | number>;
  /** the rotation moved AWSCURRENT: the audit trail writes the event at once (the change feed reads it) */
  changes?: boolean;
}

const NAMES: Record<ProgressEvent['status'], string> = {
  started: 'RotationStarted',
  'step-succeeded': 'RotationStepSucceeded',
  retrying: 'RotationStepFailed',
  failed: 'RotationFailed',
  succeeded: 'RotationSucceeded',
};

export function rotationAuditEvent(event: ProgressEvent): RotationAuditEvent | undefined {
  const scope = parseSecretArnScope(event.secretArn);
  if (!scope) return undefined;
  return {
    ...scope,
    eventName: NAMES[event.status],
    ...(event.status === 'succeeded' ? { changes: true } : {}),
    resourceArn: event.secretArn,
    details: {
      SecretId: event.secretArn,
      ClientRequestToken: event.token,
      ...(event.step ? { Step: event.step } : {}),
      Attempt: event.attempt,
      ...(event.error ? { Error: event.error } : {}),
    },
  };
}

/**
 * A drift check as an audit event: every check that finds drift (RotationDriftDetected), the first that finds
 * AWSCURRENT logging in again (RotationDriftCleared), the first that could not run (RotationDriftCheckFailed).
 * A check that finds what the last one found, and nothing wrong, is not recorded: checks every few minutes
 * would bury the trail.
 */
export function driftAuditEvent(event: DriftEvent): RotationAuditEvent | undefined {
  const scope = parseSecretArnScope(event.secretArn);
  if (!scope) return undefined;
  const changed = event.status !== event.previousStatus;
  const eventName =
    event.status === 'drifted' ? 'RotationDriftDetected' : !changed ? undefined : event.status === 'ok' ? (event.previousStatus ? 'RotationDriftCleared' : undefined) : 'RotationDriftCheckFailed';
  if (!eventName) return undefined;
  return {
    ...scope,
    eventName,
    resourceArn: event.secretArn,
    details: { SecretId: event.secretArn, DriftStatus: event.status, Message: event.message, ...(event.rotationStarted ? { RotationStarted: 'true' } : {}) },
  };
}
