// Pure rules of KMS grants: which operations a grant on a symmetric encryption key may allow, the encryption
// context constraint (one kind only; keys compared without case, values with case, as AWS documents it),
// whether a grant allows a request, the GrantListEntry AWS shows, and the grant token. No I/O.
import type { GrantConstraints, GrantListEntry, GrantOperation, RetireGrantRequest } from '@aws-sdk/client-kms';
import type { GrantRow } from './grant-store.ts';
import { kmsErrors } from './kms-errors.ts';

type Context = Record<string, string>;
export interface Constraint {
  kind: 'EncryptionContextSubset' | 'EncryptionContextEquals';
  context: Context;
}

/** The grant operations a symmetric encryption key supports (Sign, Verify, GenerateMac... are for other key types). */
const SYMMETRIC_OPERATIONS: ReadonlySet<string> = new Set([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
]);

export const GRANT_ID = /^[0-9a-f]{64}$/;

/** The operations, deduplicated and sorted; ValidationException for none or one the key type does not support. */
export function checkOperations(operations: readonly string[], keyArn: string): string[] {
  if (operations.length === 0) throw kmsErrors.validation('1 validation error detected: Value \'[]\' at \'operations\' failed to satisfy constraint: Member must have length greater than or equal to 1');
  const invalid = operations.filter((op) => !SYMMETRIC_OPERATIONS.has(op));
  if (invalid.length > 0) throw kmsErrors.validation(`Grant operations ${invalid.join(', ')} are not valid for ${keyArn}, a symmetric encryption key.`);
  return [...new Set(operations)].sort();
}

/** The one constraint a grant has, or undefined (empty maps count as not given, as AWS treats them). */
export function checkConstraints(constraints: GrantConstraints | undefined): Constraint | undefined {
  const subset = nonEmpty(constraints?.EncryptionContextSubset);
  const equals = nonEmpty(constraints?.EncryptionContextEquals);
  if (subset && equals) throw kmsErrors.validation('A grant can have only one type of encryption context constraint: EncryptionContextSubset or EncryptionContextEquals.');
  if (subset) return { kind: 'EncryptionContextSubset', context: subset };
  if (equals) return { kind: 'EncryptionContextEquals', context: equals };
  return undefined;
}

function nonEmpty(context: Context | undefined): Context | undefined {
  return context && Object.keys(context).length > 0 ? context : undefined;
}

export function constraintOf(row: GrantRow): Constraint | undefined {
  if (row.constraints === null) return undefined;
  const parsed = JSON.parse(row.constraints) as GrantConstraints;
  return checkConstraints(parsed);
}

export function constraintJson(constraint: Constraint | undefined): string | null {
  return constraint ? JSON.stringify({ [constraint.kind]: constraint.context }) : null;
}

/** The context with its keys lower-cased: a constraint's keys match without regard to case. */
function foldKeys(context: Context): Map<string, string> {
  return new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Does a request's encryption context satisfy the constraint? */
export function contextMatches(constraint: Constraint | undefined, requestContext: Context | undefined): boolean {
  if (!constraint) return true;
  const request = foldKeys(requestContext ?? {});
  const required = foldKeys(constraint.context);
  for (const [k, v] of required) if (request.get(k) !== v) return false;
  return constraint.kind === 'EncryptionContextSubset' || request.size === required.size;
}

/** The grant operations that take an encryption context: only they are subject to the constraint. */
const CONTEXT_OPERATIONS: ReadonlySet<string> = new Set(['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext']);

/** Does the grant allow `operation` (a GrantOperation name) for a request with this encryption context? */
export function grantAllows(row: GrantRow, operation: string, requestContext: Context | undefined): boolean {
  const operations = JSON.parse(row.operations) as string[];
  if (!operations.includes(operation)) return false;
  return !CONTEXT_OPERATIONS.has(operation) || contextMatches(constraintOf(row), requestContext);
}

/**
 * A grant that allows CreateGrant lets its grantee create grants with no more operations than its own and a
 * constraint at least as strict (AWS: "equally strict or stricter").
 */
export function allowsChildGrant(parent: GrantRow, operations: readonly string[], child: Constraint | undefined): boolean {
  const own = new Set(JSON.parse(parent.operations) as string[]);
  if (!operations.every((op) => own.has(op))) return false;
  const required = constraintOf(parent);
  if (!required) return true;
  if (!child) return false;
  if (required.kind === 'EncryptionContextEquals') return child.kind === 'EncryptionContextEquals' && contextMatches(required, child.context);
  return contextMatches(required, child.context);
}

/** The same grant again (CreateGrant with a Name already used on the key): same principals, operations and constraint. */
export function sameGrant(row: GrantRow, wanted: Pick<GrantRow, 'grantee_principal' | 'retiring_principal' | 'operations' | 'constraints'>): boolean {
  return (
    row.grantee_principal === wanted.grantee_principal &&
    row.retiring_principal === wanted.retiring_principal &&
    row.operations === wanted.operations &&
    sameConstraint(constraintOf(row), wanted.constraints === null ? undefined : checkConstraints(JSON.parse(wanted.constraints) as GrantConstraints))
  );
}

function sameConstraint(a: Constraint | undefined, b: Constraint | undefined): boolean {
  if (!a || !b) return a === b;
  return a.kind === b.kind && contextMatches(a, b.context) && contextMatches(b, a.context);
}

/** GrantListEntry as ListGrants and ListRetirableGrants show it. */
export function grantEntry(row: GrantRow, keyArn: string): GrantListEntry {
  const constraint = constraintOf(row);
  return {
    KeyId: keyArn,
    GrantId: row.grant_id,
    ...(row.name !== null ? { Name: row.name } : {}),
    CreationDate: new Date(row.created_at),
    GranteePrincipal: row.grantee_principal,
    ...(row.retiring_principal !== null ? { RetiringPrincipal: row.retiring_principal } : {}),
    IssuingAccount: row.issuing_account,
    Operations: JSON.parse(row.operations) as GrantOperation[],
    ...(constraint ? { Constraints: { [constraint.kind]: constraint.context } } : {}),
  };
}

/**
 * A grant token: the key and grant it names and random bytes, so every CreateGrant answers a new token (AWS:
 * all tokens of a grant are interchangeable). It identifies a grant, as KeyId and GrantId do, and gives no
 * permission of its own: RetireGrant still checks who the caller is.
 */
export function encodeGrantToken(keyId: string, grantId: string, random: Buffer): string {
  return Buffer.concat([Buffer.from([1]), Buffer.from(keyId.replaceAll('-', ''), 'hex'), Buffer.from(grantId, 'hex'), random]).toString('base64url');
}

/** The key id and grant id a token names, or undefined for a string that is not one of ours. */
export function decodeGrantToken(token: string): { keyId: string; grantId: string } | undefined {
  const bytes = Buffer.from(token, 'base64url');
  // Canonical form only: the decoder skips stray characters and bits, a re-encoding does not.
  if (bytes.length !== 1 + 16 + 32 + 32 || bytes[0] !== 1 || bytes.toString('base64url') !== token) return undefined;
  const hex = bytes.subarray(1, 17).toString('hex');
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { keyId, grantId: bytes.subarray(17, 49).toString('hex') };
}

/** The key and grant a RetireGrant names: its token, or its KeyId and GrantId. */
export function retireTarget(input: RetireGrantRequest): { keyRef: string; grantId: string } {
  if (input.GrantToken !== undefined) {
    const named = decodeGrantToken(input.GrantToken);
    if (!named) throw kmsErrors.invalidGrantToken();
    return { keyRef: named.keyId, grantId: named.grantId };
  }
  if (input.KeyId === undefined || input.GrantId === undefined) {
    throw kmsErrors.validation('RetireGrant needs a GrantToken, or both a KeyId and a GrantId.');
  }
  if (!GRANT_ID.test(input.GrantId)) throw kmsErrors.invalidGrantId(input.GrantId);
  return { keyRef: input.KeyId, grantId: input.GrantId };
}
