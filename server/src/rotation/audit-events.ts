// A rotation's progress as audit-trail events, named as CloudTrail names Secrets Manager's own service events
// (RotationStarted, RotationSucceeded, RotationFailed) plus Coffer's per-step ones (RotationStepSucceeded,
// RotationStepFailed: a step failed and will be retried). The error is the engine's, already scrubbed.
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
