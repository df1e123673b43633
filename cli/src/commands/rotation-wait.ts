// `coffer rotate-secret ... --wait`: after RotateSecret, follows the rotation it started through the admin
// API's GetRotationStatus, printing each step to stderr as it completes (stdout keeps RotateSecret's own
// output), a failed attempt and when it is retried, and the outcome. Exits 1 when the rotation fails (its
// attempts ran out), is cancelled, or is replaced by another; 0 when it succeeds.
import type { GlobalOptions } from '../args/global-options.ts';
import { createJsonCaller } from '../client/json-caller.ts';
import { ExitWith } from '../errors.ts';
import { loadServiceModel } from '../model/service-model.ts';
import { COFFER_ADMIN } from '../model/services.ts';

const POLL_MS = 500;
const ALL_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

interface Status {
  Status?: string;
  PendingVersionId?: string;
  CompletedSteps?: string[];
  NextStep?: string;
  Attempts?: number;
  MaxAttempts?: number;
  NextAttemptDate?: Date | number | string;
  LastError?: string;
  LastErrorDate?: Date | number | string;
}

export async function waitForRotation(result: Record<string, unknown>, params: Record<string, unknown>, globals: GlobalOptions): Promise<void> {
  const token = String(result.VersionId);
  const secretId = String(result.ARN ?? params.SecretId);
  const steps = params.RotateImmediately === false ? ['testSecret'] : ALL_STEPS;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const fail = (line: string): never => {
    say(`coffer: ${line}`);
    throw new ExitWith(1);
  };
  const caller = await createJsonCaller(loadServiceModel(COFFER_ADMIN.modelFile), COFFER_ADMIN.json!, globals);
  const printed = new Set<string>();
  let lastError: string | undefined;
  const stepsDone = (done: readonly string[]) => {
    for (const step of steps) {
      if (!done.includes(step) || printed.has(step)) continue;
      printed.add(step);
      say(`${step}: done`);
    }
  };
  try {
    for (;;) {
      const status = (await caller.call('GetRotationStatus', { SecretId: secretId })) as Status;
      const ours = status.PendingVersionId === token;
      if (ours) {
        stepsDone(status.CompletedSteps ?? []);
        const errorKey = `${String(status.LastErrorDate)} ${status.LastError}`;
        if (status.LastError && (status.Status === 'retrying' || status.Status === 'failed') && errorKey !== lastError) {
          lastError = errorKey;
          const when = status.Status === 'retrying' && status.NextAttemptDate !== undefined ? `; next attempt at ${isoDate(status.NextAttemptDate)}` : '';
          say(`${status.NextStep ?? 'a step'} failed (attempt ${status.Attempts ?? '?'} of ${status.MaxAttempts ?? '?'}): ${status.LastError}${when}`);
        }
        if (status.Status === 'failed') fail(`the rotation failed; AWSCURRENT is unchanged. RotateSecret with --client-request-token ${token} resumes it.`);
      } else if (status.Status === 'succeeded' && status.PendingVersionId === undefined) {
        stepsDone(steps);
        say(`rotation ${token} succeeded`);
        return;
      } else if (status.Status === 'cancelled') {
        fail(`the rotation ${token} was cancelled (CancelRotateSecret)`);
      } else {
        fail(`the rotation ${token} is no longer in progress (status ${status.Status ?? 'unknown'}${status.PendingVersionId ? `, rotation ${status.PendingVersionId} in progress` : ''})`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    caller.destroy();
  }
}

function isoDate(value: Date | number | string): string {
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
