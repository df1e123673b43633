// Rotation on the admin API (models/coffer-admin.json): the rotation functions (CreateFunction, ListFunctions,
// GetFunction, DeleteFunction, InvokeFunction, shaped after Lambda's and authorized with Lambda's actions on
// the function's ARN) and GetRotationStatus. Every call is audited by the pipeline like any other; the
// model marks SecretAccessKey and SigningKey sensitive, so neither reaches the trail.
import type { RequestScope } from '../access/authorizer.ts';
import { adminErrors } from '../errors/admin-errors.ts';
import { secretScope } from '../services/secretsmanager/arn.ts';
import { createSecretAccess } from '../services/secretsmanager/secret-access.ts';
import type { SecretServiceDeps } from '../services/secretsmanager/secret-context.ts';
import { findSecret } from '../services/secretsmanager/secret-lookup.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import { functionArn } from './functions/registry.ts';
import type { Step } from './functions/types.ts';
import * as db from './rotation-store.ts';
import { rotationStatusView } from './rotation-status.ts';
import { describeError } from './scrub.ts';

export interface RotationAdminDeps {
  secretDeps: SecretServiceDeps;
  functions: FunctionRegistry;
  maxAttempts: number;
}

interface CreateFunctionInput {
  Name: string;
  Template?: string;
  Url?: string;
  Command?: string;
  AccessKeyId?: string;
  SecretAccessKey?: string;
}

export function createRotationAdmin(deps: RotationAdminDeps) {
  const { secretDeps, functions } = deps;
  const { store, authorizer } = secretDeps;
  const access = createSecretAccess(secretDeps.keys);

  async function requireLambda(scope: RequestScope, action: string, resource: string): Promise<void> {
    (await authorizer.forRequest(scope)).require({ action: `lambda:${action}`, resource, resourceAccountId: scope.accountId });
  }

  /** The secret a request names, authorized for `operation` (AccessDenied before NotFound, as Secrets Manager does). */
  async function authorizedSecret(scope: RequestScope, secretId: string, operation: 'RotateSecret' | 'DescribeSecret') {
    const authz = await authorizer.forRequest(scope);
    const owner = secretScope(scope, secretId);
    const secret = await findSecret(store.db, owner, secretId, () => access.requireOnMissing(authz, owner, secretId, operation));
    await access.requireOnSecret(authz, store.db, secret, operation);
    return secret;
  }

  async function requireFunction(scope: RequestScope, name: string) {
    const fn = await functions.get(scope, name);
    if (!fn) throw adminErrors.noSuchFunction(name);
    return fn;
  }

  async function createFunction(scope: RequestScope, input: CreateFunctionInput) {
    await requireLambda(scope, 'CreateFunction', functionArn(scope, input.Name));
    if ((input.AccessKeyId === undefined) !== (input.SecretAccessKey === undefined)) {
      throw adminErrors.invalidInput('Give both AccessKeyId and SecretAccessKey, or neither.');
    }
    if (input.AccessKeyId !== undefined && input.Command === undefined) {
      throw adminErrors.invalidInput('Only a Command function takes credentials: an HTTP function calls the API with its own, a template acts as the service.');
    }
    const created = await functions.create(scope, {
      name: input.Name,
      template: input.Template,
      url: input.Url,
      command: input.Command,
      credentials: input.AccessKeyId !== undefined ? { accessKeyId: input.AccessKeyId, secretAccessKey: input.SecretAccessKey! } : undefined,
    });
    const { SigningKey, ...fn } = created;
    return { Function: fn, ...(SigningKey ? { SigningKey } : {}) };
  }

  async function listFunctions(scope: RequestScope) {
    await requireLambda(scope, 'ListFunctions', '*');
    return { Functions: await functions.list(scope) };
  }

  async function getFunction(scope: RequestScope, input: { Name: string }) {
    await requireLambda(scope, 'GetFunction', functionArn(scope, input.Name));
    return { Function: await requireFunction(scope, input.Name) };
  }

  async function deleteFunction(scope: RequestScope, input: { Name: string }) {
    await requireLambda(scope, 'DeleteFunction', functionArn(scope, input.Name));
    if (!(await functions.remove(scope, input.Name))) throw adminErrors.noSuchFunction(input.Name);
    return {};
  }

  /** One step, as the engine would run it: Lambda's Invoke answer (StatusCode 200, FunctionError when the step failed). */
  async function invokeFunction(scope: RequestScope, input: { Name: string; SecretId: string; Step: Step; ClientRequestToken: string }) {
    const arn = functionArn(scope, input.Name);
    await requireLambda(scope, 'InvokeFunction', arn);
    // The step acts on the secret as a rotation would: the caller must be allowed to rotate it.
    const secret = await authorizedSecret(scope, input.SecretId, 'RotateSecret');
    await requireFunction(scope, input.Name);
    const invoke = await functions.invoker(arn);
    if (!invoke) return { StatusCode: 200, FunctionError: 'Unhandled', ErrorMessage: `The function ${input.Name} is not allowed by the server's configuration.` };
    try {
      await invoke({ SecretId: secret.arn, ClientRequestToken: input.ClientRequestToken, Step: input.Step });
      return { StatusCode: 200 };
    } catch (err) {
      return { StatusCode: 200, FunctionError: 'Unhandled', ErrorMessage: describeError(err) };
    }
  }

  async function getRotationStatus(scope: RequestScope, input: { SecretId: string }) {
    const secret = await authorizedSecret(scope, input.SecretId, 'DescribeSecret');
    return rotationStatusView(secret, await db.findRotation(store.db, secret.id), deps.maxAttempts);
  }

  return { createFunction, listFunctions, getFunction, deleteFunction, invokeFunction, getRotationStatus };
}

export type RotationAdmin = ReturnType<typeof createRotationAdmin>;
