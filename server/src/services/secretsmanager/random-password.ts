// GetRandomPassword. Pure: the randomness is a `randomInt(max)` returning an unbiased integer in
// [0, max), i.e. node:crypto's randomInt in production and a seeded stub in tests.

import { awsErrors } from '../../errors/aws-errors.ts';

export const DEFAULT_PASSWORD_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 1;
export const MAX_PASSWORD_LENGTH = 4096;

export const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
export const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const NUMBERS = '0123456789';
/** AWS's punctuation set, as the GetRandomPassword documentation lists it: the 32 ASCII symbols. */
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export interface RandomPasswordOptions {
  passwordLength?: number;
  excludeCharacters?: string;
  excludeNumbers?: boolean;
  excludePunctuation?: boolean;
  excludeUppercase?: boolean;
  excludeLowercase?: boolean;
  includeSpace?: boolean;
  requireEachIncludedType?: boolean;
}

/** Unbiased integer in [0, max). */
export type RandomInt = (max: number) => number;

/**
 * Decisions where AWS's documentation is silent:
 * - RequireEachIncludedType (default true) covers lowercase, uppercase, numbers and punctuation, the four
 *   types its documentation names. The space is never required: IncludeSpace only allows it.
 * - A type whose every character is in ExcludeCharacters counts as not included (nothing of it can be
 *   required); only an empty overall alphabet is an error.
 * - Length bounds are re-checked here although the protocol layer validates the model range, so the
 *   function is safe on its own.
 */
export function generateRandomPassword(options: RandomPasswordOptions, randomInt: RandomInt): string {
  const length = options.passwordLength ?? DEFAULT_PASSWORD_LENGTH;
  if (!Number.isInteger(length) || length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw awsErrors.invalidParameter(
      `PasswordLength must be an integer between ${MIN_PASSWORD_LENGTH} and ${MAX_PASSWORD_LENGTH}.`,
    );
  }

  const types: string[][] = [];
  if (!options.excludeLowercase) types.push([...LOWERCASE]);
  if (!options.excludeUppercase) types.push([...UPPERCASE]);
  if (!options.excludeNumbers) types.push([...NUMBERS]);
  if (!options.excludePunctuation) types.push([...PUNCTUATION]);
  if (types.length === 0 && !options.includeSpace) {
    throw awsErrors.invalidParameter(
      'You excluded every character type: include at least one of lowercase, uppercase, numbers, punctuation or space.',
    );
  }

  // ExcludeCharacters is case-sensitive and character by character (a Set of its code points).
  const excluded = new Set(options.excludeCharacters ?? '');
  const required = types.map((chars) => chars.filter((c) => !excluded.has(c))).filter((chars) => chars.length > 0);
  const pool = required.flat();
  if (options.includeSpace && !excluded.has(' ')) pool.push(' ');
  if (pool.length === 0) {
    throw awsErrors.invalidParameter(
      'ExcludeCharacters removes every character of the included types: no character is left to build a password from.',
    );
  }

  const requireEach = options.requireEachIncludedType ?? true;
  const out: string[] = [];
  if (requireEach) {
    if (length < required.length) {
      throw awsErrors.invalidParameter(
        `PasswordLength ${length} is too short to include each of the ${required.length} included character types ` +
          `(RequireEachIncludedType). Use a length of at least ${required.length}, or set RequireEachIncludedType to false.`,
      );
    }
    for (const chars of required) out.push(chars[randomInt(chars.length)]);
  }
  while (out.length < length) out.push(pool[randomInt(pool.length)]);

  // Fisher–Yates, so the guaranteed characters are not always at the front.
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.join('');
}
