// Finding the secret a SecretId names: full ARN, partial ARN or name, inside the scope given (the caller's,
// or for an ARN of another account that account's: see arn.ts secretScope).
import { awsErrors } from '../../errors/aws-errors.ts';
import type { Executor } from '../../store/db.ts';
import { candidateLookups, validateSecretId } from './arn.ts';
import { findSecretByArn, findSecretByName, type Scope, type SecretRow } from './secret-store.ts';

export const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";
export const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";

/** The secret or undefined. An ARN of an account or region other than the scope's finds nothing. */
export async function lookupSecret(db: Executor, scope: Scope, secretId: string, forUpdate = false): Promise<SecretRow | undefined> {
  validateSecretId(secretId);
  for (const lookup of candidateLookups(secretId)) {
    if (lookup.accountId !== undefined && (lookup.accountId !== scope.accountId || lookup.region !== scope.region)) continue;
    const row = lookup.by === 'arn'
      ? await findSecretByArn(db, scope, lookup.arn, forUpdate)
      : await findSecretByName(db, scope, lookup.name, forUpdate);
    if (row) return row;
  }
  return undefined;
}

export async function requireSecret(db: Executor, scope: Scope, secretId: string, forUpdate = false): Promise<SecretRow> {
  const row = await lookupSecret(db, scope, secretId, forUpdate);
  if (!row) throw awsErrors.notFound(SECRET_NOT_FOUND);
  return row;
}

/**
 * The secret, or — after `onMissing` (the authorization check for a secret that does not exist, which may
 * throw AccessDenied first) — ResourceNotFoundException.
 */
export async function findSecret(db: Executor, scope: Scope, secretId: string, onMissing: () => void, forUpdate = false): Promise<SecretRow> {
  const row = await lookupSecret(db, scope, secretId, forUpdate);
  if (row) return row;
  onMissing();
  throw awsErrors.notFound(SECRET_NOT_FOUND);
}

/** For operations AWS refuses on a secret scheduled for deletion. */
export function requireNotDeleted(secret: SecretRow): void {
  if (secret.deleted_at !== null) throw awsErrors.invalidRequest(MARKED_FOR_DELETION);
}
