// What the agent answers, as AWS's agent does: a GetSecretValue result as JSON (ARN, Name, VersionId,
// SecretString or SecretBinary in base64, VersionStages, CreatedDate as a string of epoch seconds), and
// errors as `{"__type": code, "message": text}` with the service's status; Coffer unreachable is 502
// ConnectionError, a timeout 504 TimeoutError, anything else 500 InternalFailure.
import type { GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';

export interface AgentAnswer {
  status: number;
  body: string;
}

export function valueAnswer(out: GetSecretValueCommandOutput): string {
  return JSON.stringify({
    ARN: out.ARN,
    Name: out.Name,
    VersionId: out.VersionId,
    ...(out.SecretString !== undefined ? { SecretString: out.SecretString } : {}),
    ...(out.SecretBinary !== undefined ? { SecretBinary: Buffer.from(out.SecretBinary).toString('base64') } : {}),
    ...(out.VersionStages !== undefined ? { VersionStages: out.VersionStages } : {}),
    CreatedDate: out.CreatedDate ? epochSeconds(out.CreatedDate) : null,
  });
}

/** Seconds with their fraction, as a string ("1700000000.123"), as AWS's agent writes CreatedDate. */
function epochSeconds(date: Date): string {
  const ms = date.getTime();
  const fraction = ms % 1000;
  return fraction === 0 ? String(ms / 1000) : `${Math.floor(ms / 1000)}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`;
}

export function errorAnswer(status: number, code: string, message: string): AgentAnswer {
  if (code === 'InternalFailure' || message === '') return { status: 500, body: '{"__type":"InternalFailure"}' };
  return { status, body: JSON.stringify({ __type: code, message }) };
}

interface SdkFailure {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** True when Coffer could not be reached, did not answer in time or failed itself (5xx): a cached value may stand in. */
export function isTransient(err: unknown): boolean {
  const status = (err as SdkFailure).$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/** The answer for a failed GetSecretValue: the service's error as it gave it, or the transport's. */
export function answerForError(err: unknown): AgentAnswer {
  const e = err as SdkFailure;
  const status = e.$metadata?.httpStatusCode;
  // AbortError: the agent's own bound on a request's time ran out
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'ETIMEDOUT') return errorAnswer(504, 'TimeoutError', 'Timeout');
  if (status === undefined) return errorAnswer(502, 'ConnectionError', 'Read Error');
  return errorAnswer(status, e.name ?? 'InternalFailure', e.message ?? '');
}
