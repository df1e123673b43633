// NextToken values: opaque to clients, but checked, so a token from another listing or a mangled one
// gets InvalidNextTokenException instead of a wrong page.
import { awsErrors } from '../../errors/aws-errors.ts';

const INVALID = 'The NextToken value is not valid for this request. Start the listing again without a NextToken.';

export function encodeToken(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeToken<T>(token: string, check: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw awsErrors.invalidNextToken(INVALID);
  }
  if (!check(value)) throw awsErrors.invalidNextToken(INVALID);
  return value;
}

/** Offset tokens for short listings bound to one owner (e.g. one secret's versions). */
export function encodeOffsetToken(offset: number, owner: string): string {
  return encodeToken({ o: offset, w: owner });
}

export function decodeOffsetToken(token: string, owner: string): number {
  return decodeToken(token, (v): v is { o: number; w: string } => {
    const t = v as { o?: unknown; w?: unknown } | null;
    return typeof t?.o === 'number' && Number.isInteger(t.o) && t.o >= 0 && t.w === owner;
  }).o;
}
