// The text of one AWS validation failure and of the ValidationException that carries them all:
//   "2 validation errors detected: Value 'x' at 'secretId' failed to satisfy constraint: Member must ...;
//    Value null at 'name' failed to satisfy constraint: Member must not be null"
// Confirmed wording: "Value null at 'secretId' ... Member must not be null" (Secrets Manager), "Value at
// 'secretString' ..." and "Value at 'secretBinary' ..." without the value for sensitive members (Secrets
// Manager), "Value at 'plaintext' ..." (KMS), list paths like 'filters.1.member.key' and
// 'records.36.member.data', and the "; " separator with an "N validation errors detected: " prefix.

import { AwsError } from '../../errors/aws-errors.ts';

/** Collected while one request body is decoded; thrown as one ValidationException at the end. */
export interface DecodeContext {
  violations: string[];
}

/** Where a value sits, as AWS spells it: lowerCamel member names joined with '.', lists as '.N.member'. */
export function joinPath(parent: string, name: string): string {
  if (parent === '') return name;
  return name === '' ? parent : `${parent}.${name}`;
}

/** `echo` null means the value is absent; undefined means it is sensitive and must not be shown. */
export function violation(path: string, echo: string | null | undefined, constraint: string): string {
  const value = echo === undefined ? 'Value' : echo === null ? 'Value null' : `Value '${echo}'`;
  return `${value} at '${path}' failed to satisfy constraint: ${constraint}`;
}

export function validationError(violations: readonly string[]): AwsError {
  const n = violations.length;
  return new AwsError('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}

/** AWS writes member names in lowerCamel case in paths: SecretId -> secretId, Tags -> tags. */
export function lowerCamel(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1);
}
