// How `coffer run` names environment variables.
//  - A secret whose value is a JSON object: one variable per top-level key, named PREFIX + the key exactly
//    (keys must be non-empty and contain neither '=' nor NUL). Strings are passed as they are, numbers and
//    booleans as their JSON text, null as the empty string, objects and arrays as compact JSON.
//  - Any other value (plain text, a JSON array or scalar, binary as base64): one variable named PREFIX + the
//    secret's name upper-cased, every run of characters other than A-Z and 0-9 replaced by '_', leading and
//    trailing '_' dropped, and '_' put in front when it would start with a digit:
//    `prod/db-password` -> PROD_DB_PASSWORD, `3rd-party.token` -> _3RD_PARTY_TOKEN.
//  - Later --secret-id values win over earlier ones, and all of them over the inherited environment.

export function envNameForSecret(secretName: string): string {
  const name = secretName.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') return 'SECRET';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

export function envValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

export function isValidEnvName(name: string): boolean {
  return name.length > 0 && !name.includes('=') && !name.includes('\0');
}

/** The variables one secret contributes. Throws on a JSON key that cannot be a variable name. */
export function envForSecret(secretName: string, value: string | Uint8Array, prefix: string): Record<string, string> {
  if (typeof value !== 'string') return { [`${prefix}${envNameForSecret(secretName)}`]: Buffer.from(value).toString('base64') };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { [`${prefix}${envNameForSecret(secretName)}`]: value };
  const env: Record<string, string> = {};
  for (const [key, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isValidEnvName(`${prefix}${key}`)) throw new Error(`The secret ${secretName} has a key that cannot be an environment variable name (empty, or containing "=" or NUL).`);
    env[`${prefix}${key}`] = envValue(v);
  }
  return env;
}
