// Passwords never leave a rotation in an error or a log line: every message the engine records goes
// through scrub(), which removes the values it is told about (the secret's own values, tokens, keys) and the
// values of password fields: a JSON member, dict entry or key=value pair whose name is a password's. A name
// ending in `secret` counts when it is quoted ("client_secret": ...) or written key=value without spaces
// (client_secret=...): `secret = service_client.get_secret_value(...)`, a traceback's source line, is code and is kept.
const PASSWORD_NAME = String.raw`[\w-]*(?:password|passwd|pwd)|SecretString|SecretAccessKey|secret_access_key`;
const VALUE = String.raw`("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;}&)]+)`;
const PASSWORD_FIELD = new RegExp(String.raw`((?<![\w-])(["']?)(?:${PASSWORD_NAME})\2\s*[:=]\s*)${VALUE}`, 'gi');
const SECRET_FIELD = new RegExp(String.raw`((?<![\w-])(?:(["'])[\w-]*secret\2\s*[:=]\s*|[\w-]*secret[:=](?=\S)))${VALUE}`, 'gi');
const URL_PASSWORD = /(\w+:\/\/[^:/\s]+:)([^@\s]+)(@)/g;
export const MAX_ERROR_LENGTH = 1000;

/** True when `name` names a password field (the members scrub() removes, and whose values the engine also scrubs). */
export function isPasswordName(name: string): boolean {
  return new RegExp(`^(?:${PASSWORD_NAME})$`, 'i').test(name);
}

/** The last `max` characters: an error's end (a traceback's exception line) matters most. */
export function keepEnd(text: string, max = MAX_ERROR_LENGTH): string {
  return text.length > max ? `…${text.slice(-(max - 1))}` : text;
}

export function scrub(text: string, secrets: ReadonlyArray<string | undefined> = [], max = MAX_ERROR_LENGTH): string {
  let out = text;
  // longest first, so that a value containing another is removed whole
  for (const s of [...secrets].sort((a, b) => (b?.length ?? 0) - (a?.length ?? 0))) if (s && s.length >= 4) out = out.split(s).join('****');
  out = out.replace(PASSWORD_FIELD, '$1****').replace(SECRET_FIELD, '$1****').replace(URL_PASSWORD, '$1****$3');
  return keepEnd(out, max);
}

/** An error's message, scrubbed, with its code when the driver gives one (e.g. 28P01, ER_ACCESS_DENIED_ERROR). */
export function describeError(err: unknown, secrets: ReadonlyArray<string | undefined> = [], max = MAX_ERROR_LENGTH): string {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return scrub(`${code}${message}`, secrets, max);
}

/** The values worth scrubbing in a SecretString: the whole string, and its password members' values when it is JSON. */
export function secretValuesOf(secretString: string | undefined): string[] {
  if (!secretString) return [];
  const values = [secretString];
  try {
    const parsed: unknown = JSON.parse(secretString);
    if (parsed && typeof parsed === 'object') {
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' && isPasswordName(k)) values.push(v);
    }
  } catch {
    // not JSON: the whole string is the value
  }
  return values;
}
