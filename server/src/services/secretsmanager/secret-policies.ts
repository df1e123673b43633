// Resource policies: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy, ValidateResourcePolicy.
// A policy is parsed and validated when it is put (MalformedPolicyDocumentException with the engine's
// sentences), refused when BlockPublicPolicy is set and it grants public access (PublicPolicyException),
// and stored as written; its compiled form is cached (secret-access.ts).
//
// The account root can always read, replace and delete its own secrets' policies, whatever they say, so a
// Deny cannot lock the account out of a secret for good (AWS keeps the root able to fix a bucket policy).
import type {
  DeleteResourcePolicyRequest,
  DeleteResourcePolicyResponse,
  GetResourcePolicyRequest,
  GetResourcePolicyResponse,
  PutResourcePolicyRequest,
  PutResourcePolicyResponse,
  ValidateResourcePolicyRequest,
  ValidateResourcePolicyResponse,
} from '@aws-sdk/client-secrets-manager';
import { formatPolicyErrors, parsePolicy, publicAccessFindings, validateResourcePolicy } from '../../iam/index.ts';
import { AwsError } from '../../errors/aws-errors.ts';
import type { Executor } from '../../store/db.ts';
import type { RequestAccess, RequestScope } from '../../access/authorizer.ts';
import { secretScope } from './arn.ts';
import type { SecretAccess } from './secret-access.ts';
import type { SecretServiceDeps } from './secret-context.ts';
import { findSecret, requireNotDeleted } from './secret-lookup.ts';
import * as db from './secret-store.ts';
import { requireNotReplica, type ReplicaSync } from './replica-sync.ts';
import type { Scope } from './secret-store.ts';

type PolicyOperation = 'PutResourcePolicy' | 'GetResourcePolicy' | 'DeleteResourcePolicy' | 'ValidateResourcePolicy';

const PUBLIC_POLICY = 'The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.';

export function createSecretPolicies(deps: SecretServiceDeps, access: SecretAccess, sync: ReplicaSync) {
  const { store, now, authorizer } = deps;

  async function target(executor: Executor, authz: RequestAccess, owner: Scope, secretId: string, operation: PolicyOperation, context?: Record<string, string>) {
    const secret = await findSecret(executor, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, operation, context), store.forUpdate);
    // The root in its own account is not bound by the secret's policy here (see the file comment).
    if (!authz.unrestricted(secret.account_id)) await access.requireOnSecret(authz, executor, secret, operation, context);
    return secret;
  }

  async function putResourcePolicy(scope: RequestScope, input: PutResourcePolicyRequest): Promise<PutResourcePolicyResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const text = input.ResourcePolicy!;
    const context = input.BlockPublicPolicy !== undefined ? { 'secretsmanager:BlockPublicPolicy': String(input.BlockPublicPolicy) } : undefined;
    return sync.transaction(async (tx) => {
      const secret = await target(tx, authz, owner, input.SecretId!, 'PutResourcePolicy', context);
      requireNotReplica(secret);
      requireNotDeleted(secret);
      const parsed = parsePolicy(text, { kind: 'resource' });
      if (!parsed.ok) throw new AwsError('MalformedPolicyDocumentException', formatPolicyErrors(parsed.errors));
      if (input.BlockPublicPolicy === true) {
        const findings = publicAccessFindings(parsed.policy);
        if (findings.length > 0) throw new AwsError('PublicPolicyException', `${PUBLIC_POLICY} ${findings.map((f) => f.message).join('; ')}.`);
      }
      await db.updateSecret(tx, secret.id, { resource_policy: text, last_changed_at: now() });
      await sync.propagate(tx, secret.id);
      return { ARN: secret.arn, Name: secret.name };
    });
  }

  async function getResourcePolicy(scope: RequestScope, input: GetResourcePolicyRequest): Promise<GetResourcePolicyResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    const secret = await target(store.db, authz, owner, input.SecretId!, 'GetResourcePolicy');
    return { ARN: secret.arn, Name: secret.name, ...(secret.resource_policy !== null ? { ResourcePolicy: secret.resource_policy } : {}) };
  }

  async function deleteResourcePolicy(scope: RequestScope, input: DeleteResourcePolicyRequest): Promise<DeleteResourcePolicyResponse> {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, input.SecretId!);
    return sync.transaction(async (tx) => {
      const secret = await target(tx, authz, owner, input.SecretId!, 'DeleteResourcePolicy');
      requireNotReplica(secret);
      requireNotDeleted(secret);
      if (secret.resource_policy !== null) {
        await db.updateSecret(tx, secret.id, { resource_policy: null, last_changed_at: now() });
        await sync.propagate(tx, secret.id);
      }
      return { ARN: secret.arn, Name: secret.name };
    });
  }

  /** Grammar errors and public-access findings as ValidationErrors (CheckName values: iam/validate-resource-policy.ts). */
  async function validate(scope: RequestScope, input: ValidateResourcePolicyRequest): Promise<ValidateResourcePolicyResponse> {
    const authz = await authorizer.forRequest(scope);
    if (input.SecretId !== undefined) {
      const owner = secretScope(scope, input.SecretId);
      const secret = await target(store.db, authz, owner, input.SecretId, 'ValidateResourcePolicy');
      // The reference maps ValidateResourcePolicy to PutResourcePolicy too.
      if (!authz.unrestricted(secret.account_id)) await access.requireOnSecret(authz, store.db, secret, 'PutResourcePolicy');
    } else {
      access.requireOnAccount(authz, scope, 'ValidateResourcePolicy');
    }
    const result = validateResourcePolicy(input.ResourcePolicy!);
    return {
      PolicyValidationPassed: result.policyValidationPassed,
      ValidationErrors: result.validationErrors.map((f) => ({ CheckName: f.checkName, ErrorMessage: f.errorMessage })),
    };
  }

  return { putResourcePolicy, getResourcePolicy, deleteResourcePolicy, validateResourcePolicy: validate };
}
