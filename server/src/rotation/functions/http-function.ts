// HTTP rotation functions: the event is POSTed as JSON to the function's URL, signed so that the function can
// check it comes from this Coffer. The signature header is
//   X-Coffer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signing key, "<t>.<body>")>
// (the function recomputes it over the raw body and refuses old timestamps). A 2xx answer is success; any
// other answer, or no answer within the timeout, fails the step. The function calls back into the Secrets
// Manager API with its own credentials, as a Lambda does with its execution role.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { scrub } from '../scrub.ts';
import type { Invoke, RotationEvent } from './types.ts';

export const SIGNATURE_HEADER = 'x-coffer-signature';

export function signEvent(signingKey: Buffer, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', signingKey).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** For functions written in TypeScript (and tests): true when the header signs this body within `toleranceS`. */
export function verifySignature(signingKey: Buffer, body: string, header: string | undefined, nowS: number, toleranceS = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m || Math.abs(nowS - Number(m[1])) > toleranceS) return false;
  const expected = Buffer.from(signEvent(signingKey, body, Number(m[1])).split('v1=')[1], 'hex');
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}

export function httpInvoker(url: string, signingKey: Buffer, now: () => number, timeoutMs: number): Invoke {
  return async (event: RotationEvent) => {
    const body = JSON.stringify(event);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signEvent(signingKey, body, Math.floor(now() / 1000)) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new Error(`the function at ${new URL(url).origin} could not be reached: ${scrub(String((err as Error).cause ?? err))}`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new Error(`the function answered HTTP ${response.status}${text ? `: ${scrub(text.slice(0, 500))}` : ''}`);
  };
}
