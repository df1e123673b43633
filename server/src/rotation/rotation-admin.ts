// Rotation on the admin API (models/coffer-admin.json): the rotation functions (CreateFunction, ListFunctions,
// GetFunction, DeleteFunction, InvokeFunction, shaped after Lambda's and authorized with Lambda's actions on
// the function's ARN) and GetRotationStatus. Every call is audited by the pipeline like any other; the
// model marks SecretAccessKey and SigningKey sensitive, so neither reaches the trail.
import type { Authorizer, RequestScope } from '../access/authorizer.ts';
import { adminErrors } from '../errors/admin-errors.ts';
import type { Store } from '../store/db.ts';
import type { SecretRotation } from '../services/secretsmanager/secret-service.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import { functionArn } from './functions/registry.ts';
import type { Step } from './functions/types.ts';
import * as db from './rotation-store.ts';
import { rotationStatusView } from './rotation-status.ts';
import { describeError } from './scrub.ts';

export interface RotationAdminDeps {
  store: Store;
  authorizer: Authorizer;
  /** the Secrets Manager service's part for rotation: the secret a request names, authorized */
  secrets: SecretRotation;
  functions: FunctionRegistry;
  maxAttempts: number;
  /** the secret's values (and their password members) a failed step's error must not show */
  secretValues: (secretArn: string) => Promise<string[]>;
}

interface CreateFunctionInput {
  Name: string;
  Template?: string;
  Url?: string;
  Command?: string;
  Code?: string;
  Runtime?: string;
  Handler?: string;
  Environment?: { Variables?: Record<string, string> };
  Timeout?: number;
  AccessKeyId?: string;
  SecretAccessKey?: string;
}

export function createRotationAdmin(deps: RotationAdminDeps) {
  const { store, authorizer, secrets, functions } = deps;

  async function requireLambda(scope: RequestScope, action: string, resource: string): Promise<void> {
    (await authorizer.forRequest(scope)).require({ action: `lambda:${action}`, resource, resourceAccountId: scope.accountId });
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
    if (input.AccessKeyId !== undefined && input.Command === undefined && input.Code === undefined) {
      throw adminErrors.invalidInput('Only a Command or Code function takes credentials: an HTTP function calls the API with its own, a template acts as the service.');
    }
    const created = await functions.create(scope, {
      name: input.Name,
      template: input.Template,
      url: input.Url,
      command: input.Command,
      code: input.Code,
      runtime: input.Runtime,
      handler: input.Handler,
      variables: input.Environment?.Variables,
      timeoutSeconds: input.Timeout,
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
    const secret = await secrets.authorize(scope, input.SecretId, 'RotateSecret');
    await requireFunction(scope, input.Name);
    const invoke = await functions.invoker(arn);
    if (!invoke) return { StatusCode: 200, FunctionError: 'Unhandled', ErrorMessage: `The function ${input.Name} is not allowed by the server's configuration.` };
    try {
      await invoke({ SecretId: secret.arn, ClientRequestToken: input.ClientRequestToken, Step: input.Step });
      return { StatusCode: 200 };
    } catch (err) {
      const known = await deps.secretValues(secret.arn).catch(() => []);
      return { StatusCode: 200, FunctionError: 'Unhandled', ErrorMessage: describeError(err, known) };
    }
  }

  async function getRotationStatus(scope: RequestScope, input: { SecretId: string }) {
    const secret = await secrets.authorize(scope, input.SecretId, 'DescribeSecret');
    return rotationStatusView(secret, await db.findRotation(store.db, secret.id), deps.maxAttempts);
  }

  return { createFunction, listFunctions, getFunction, deleteFunction, invokeFunction, getRotationStatus };
}

export type RotationAdmin = ReturnType<typeof createRotationAdmin>;
