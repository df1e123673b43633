// What every part of the admin service needs, and who may call it. The account root manages its own
// account; the operator (the root of the installation's first account) also creates accounts. A user may
// call an operation when its identity policies allow the IAM action (`iam:CreateUser` on the user's ARN,
// ...), as in IAM; CreateAccount and ListAccounts are never delegated.
import type { Store, Executor } from '../../store/db.ts';
import { requireOperator, type Authorizer, type RequestScope } from '../../access/authorizer.ts';
import { awsErrors } from '../../errors/aws-errors.ts';
import { adminErrors } from '../../errors/admin-errors.ts';

/** The access-key store as the admin service uses it (auth/access-keys.ts implements it; app.ts wires it). */
export interface AccessKeyPort {
  create(principal: { accountId: string; arn: string }, now: number, db: Executor): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  /** Drops the opened secret auth/ keeps of a key that was deactivated or deleted. */
  forget(accessKeyId: string): void;
}

export interface AdminDeps {
  store: Store;
  authorizer: Authorizer;
  accessKeys: AccessKeyPort;
  /** The account whose root is the operator (the installation's first account). */
  operatorAccountId: string;
  now: () => number;
  randomBytes: (n: number) => Buffer;
}

export const MAX_ACCESS_KEYS = 2;
export const MAX_USER_TAGS = 50;

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export function userArn(accountId: string, path: string, userName: string): string {
  return `arn:aws:iam::${accountId}:user${path}${userName}`;
}

/** Requires `iam:<operation>` on `resource` (an IAM ARN of the caller's account, or `*`). */
export async function authorizeAdmin(deps: AdminDeps, scope: RequestScope, operation: string, resource: string): Promise<void> {
  const access = await deps.authorizer.forRequest(scope);
  access.require({ action: `iam:${operation}`, resource, resourceAccountId: scope.accountId });
}

/** Operator-only operations (see requireOperator). */
export function authorizeOperator(deps: AdminDeps, scope: RequestScope, operation: string): void {
  requireOperator(scope.caller, deps.operatorAccountId, operation);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** IAM-style unique ids: a prefix (AIDA for users) and 17 characters. */
export function newUniqueId(prefix: string, randomBytes: (n: number) => Buffer): string {
  return prefix + [...randomBytes(17)].map((b) => BASE32[b % 32]).join('');
}

/** Opaque markers: the last item's sort key, base64url. */
export function encodeMarker(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeMarker(marker: string): string {
  const key = Buffer.from(marker, 'base64url').toString('utf8');
  if (key.length === 0 || encodeMarker(key) !== marker) throw adminErrors.invalidInput('Invalid Marker: pass the Marker of the previous response unchanged.');
  return key;
}

/** n random decimal digits, the first not 0 (an account id that reads as 12 digits). Unbiased: bytes >= 250 are skipped. */
export function randomDigits(n: number, randomBytes: (n: number) => Buffer): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b >= 250 || (out.length === 0 && b % 10 === 0)) continue;
      out += String(b % 10);
      if (out.length === n) break;
    }
  }
  return out;
}
