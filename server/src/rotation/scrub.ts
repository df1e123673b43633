// Passwords never leave a rotation in an error or a log line: every message the engine records goes
// through scrub(), which removes the values it is told about and anything shaped like a password field.
const FIELD = /("?(?:password|passwd|pwd|secret|SecretString)"?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;}&]+)/gi;
const URL_PASSWORD = /(\w+:\/\/[^:/\s]+:)([^@\s]+)(@)/g;
const MAX_LENGTH = 1000;

export function scrub(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('****');
  out = out.replace(FIELD, '$1****').replace(URL_PASSWORD, '$1****$3');
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}…` : out;
}

/** An error's message, scrubbed, with its code when the driver gives one (e.g. 28P01, ER_ACCESS_DENIED_ERROR). */
export function describeError(err: unknown, secrets: ReadonlyArray<string | undefined> = []): string {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return scrub(`${code}${message}`, secrets);
}
