// Grants in authorization: asked only when the policies do not allow a KMS action on a key (so calls the
// policies allow never read grants) and never after an explicit deny, which no grant overrides (AWS: an
// explicit deny in any policy wins over an allow anywhere). A grant of the key whose grantee is the caller's
// ARN allows the actions among its Operations, the cryptographic ones only when the request's encryption
// context satisfies its constraint. RetireGrant is decided by the grant being retired: its retiring principal,
// or its grantee when it allows RetireGrant.
import type { Executor } from '../../store/db.ts';
import * as grantStore from './grant-store.ts';
import { allowsChildGrant, checkConstraints, grantAllows, retireTarget, type Constraint } from './grant-rules.ts';
import type { KeyService } from './key-service.ts';
import type { Scope } from './key-store.ts';

type Input = Record<string, unknown>;
type Context = Record<string, string>;

/** The caller as a grant names it, and what it asks. */
export interface GrantRequest {
  scope: Scope;
  principalArn: string;
  /** the IAM action denied by the policies, kms:<GrantOperation> */
  action: string;
  keyArn: string;
  operation: string;
  input: Input;
}

export function createGrantAuthorization(keys: KeyService, db: Executor) {
  /** Does a grant allow what the policies did not? */
  async function allowsThroughGrant(request: GrantRequest): Promise<boolean> {
    const keyId = keyIdIn(request.scope, request.keyArn, keys);
    if (!keyId) return false;
    const grantOperation = request.action.slice('kms:'.length);
    if (request.operation === 'RetireGrant') return mayRetire(keyId, request);
    const context = contextOf(grantOperation, request.input);
    if (request.operation !== 'CreateGrant') return keys.grantAllows(keyId, request.principalArn, grantOperation, context, db);
    const child = childGrant(request.input);
    if (child === false) return false;
    const grants = await grantStore.grantsTo(db, keyId, request.principalArn);
    return grants.some((g) => grantAllows(g, grantOperation, context) && allowsChildGrant(g, child.operations, child.constraint));
  }

  async function mayRetire(keyId: string, request: GrantRequest): Promise<boolean> {
    let grantId: string;
    try {
      grantId = retireTarget(request.input).grantId;
    } catch {
      return false;
    }
    const grant = await grantStore.findGrant(db, keyId, grantId);
    if (!grant) return false;
    return grant.retiring_principal === request.principalArn || (grant.grantee_principal === request.principalArn && grantAllows(grant, 'RetireGrant', undefined));
  }

  return { allowsThroughGrant };
}

/** The key id of an ARN of the caller's scope, or undefined (a grant is only ever looked up on such a key). */
function keyIdIn(scope: Scope, keyArn: string, keys: KeyService): string | undefined {
  const prefix = keys.keyArn(scope, '');
  return keyArn.startsWith(prefix) && keyArn.length > prefix.length ? keyArn.slice(prefix.length) : undefined;
}

/** The encryption context a grant constraint is checked against for this grant operation. */
function contextOf(grantOperation: string, input: Input): Context | undefined {
  const member = grantOperation === 'ReEncryptFrom' ? 'SourceEncryptionContext' : grantOperation === 'ReEncryptTo' ? 'DestinationEncryptionContext' : 'EncryptionContext';
  return input[member] as Context | undefined;
}

/** The grant a CreateGrant would make, or false when its constraints are malformed (the operation reports it). */
function childGrant(input: Input): { operations: string[]; constraint: Constraint | undefined } | false {
  try {
    return { operations: (input.Operations as string[] | undefined) ?? [], constraint: checkConstraints(input.Constraints as never) };
  } catch {
    return false;
  }
}
