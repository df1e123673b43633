// PutSecretValue's RotationToken: a random token per rotation attempt, handed to the rotation function in its
// event ("RotationToken", as AWS does) so that the function's PutSecretValue names the rotation it is part of.
// Only its SHA-256 is stored (a 256-bit random token needs no slow hash); the token lives in the engine's memory
// for one attempt and in the function's event, and the model marks the member sensitive, so no log or audit
// event holds it.
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../crypto/sha256.ts';

export const INVALID_ROTATION_TOKEN = "The rotation token is not valid for this secret's rotation.";

/** 64 hex characters: within the model's 36..256 and [a-zA-Z0-9-]. */
export function newRotationToken(randomBytes: (n: number) => Buffer): string {
  return randomBytes(32).toString('hex');
}

export function rotationTokenHash(token: string): string {
  return sha256Hex(token);
}

/** True when `token` is the one whose hash is stored (false when none is: no rotation attempt is under way). */
export function matchesRotationToken(token: string, storedHash: string | null): boolean {
  if (storedHash === null) return false;
  const given = Buffer.from(rotationTokenHash(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
