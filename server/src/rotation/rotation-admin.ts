// Rotation on the admin API (models/coffer-admin.json): the rotation functions (CreateFunction, ListFunctions,
// GetFunction, DeleteFunction, InvokeFunction, shaped after Lambda's and authorized with Lambda's actions on
// the function's ARN), GetRotationStatus, and Coffer's drift checks and rollback (authorized with
// secretsmanager:RotateSecret on the secret; the rollback also with UpdateSecretVersionStage, as it moves
// AWSCURRENT), consumer-aware retirement (PutRotationRetirement) and the consumers of a secret's versions
// (GetSecretConsumers: secretsmanager:DescribeSecret and cloudtrail:LookupEvents, as it reads the trail). Every call is audited by the pipeline like any other; the model marks SecretAccessKey and
// SigningKey sensitive, so neither reaches the trail.
import type { Authorizer, RequestScope } from '../access/authorizer.ts';
import { adminErrors } from '../errors/admin-errors.ts';
import type { Store } from '../store/db.ts';
import type { RotationTarget, SecretRotation } from '../services/secretsmanager/secret-service.ts';
import { MAX_DRIFT_INTERVAL_SECONDS, MIN_DRIFT_INTERVAL_SECONDS, parseDriftInterval, type DriftChecks } from './drift.ts';
import { alternatesUsers, durationText, MAX_IDLE_SECONDS, MIN_IDLE_SECONDS, type Consumers } from './consumers.ts';
import { RollbackRefused, UnsupportedCredential } from './functions/templates/credential-checks.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import { functionArn } from './functions/registry.ts';
import type { Step } from './functions/types.ts';
import * as db from './rotation-store.ts';
import { retirementFields, rotationStatusView } from './rotation-status.ts';
import { describeError } from './scrub.ts';

export interface RotationAdminDeps {
  store: Store;
  authorizer: Authorizer;
  /** the Secrets Manager service's part for rotation: the secret a request names, authorized */
  secrets: SecretRotation;
  functions: FunctionRegistry;
  drift: DriftChecks;
  consumers: Consumers;
  now: () => number;
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

  /** Who read what comes from the audit trail: shown to a caller who may read it (cloudtrail:LookupEvents). */
  async function mayReadTrail(scope: RequestScope): Promise<boolean> {
    return (await authorizer.forRequest(scope)).allows({ action: 'cloudtrail:LookupEvents', resource: '*', resourceAccountId: scope.accountId });
  }

  async function statusOf(scope: RequestScope, secret: RotationTarget) {
    const view = rotationStatusView(secret, await db.findRotation(store.db, secret.id), deps.maxAttempts, await deps.drift.find(secret.id));
    return { ...view, ...(await retirementFields(deps.consumers, secret, await mayReadTrail(scope))) };
  }

  async function getRotationStatus(scope: RequestScope, input: { SecretId: string }) {
    return statusOf(scope, await secrets.authorize(scope, input.SecretId, 'DescribeSecret'));
  }

  /** RetireAfterIdle on (an alternating-users template's secret only) or off. */
  async function putRotationRetirement(scope: RequestScope, input: { SecretId: string; RetireAfterIdle: string }) {
    const secret = await secrets.authorize(scope, input.SecretId, 'RotateSecret');
    const seconds = parseDriftInterval(input.RetireAfterIdle);
    if (seconds !== undefined) {
      if (seconds < MIN_IDLE_SECONDS || seconds > MAX_IDLE_SECONDS) {
        throw adminErrors.invalidInput(`RetireAfterIdle must be between 1m and 30d (${MIN_IDLE_SECONDS} to ${MAX_IDLE_SECONDS} seconds), or off.`);
      }
      const row = await db.findRotation(store.db, secret.id);
      const kind = row?.lambda_arn ? await functions.kindOf(row.lambda_arn) : undefined;
      if (!alternatesUsers(kind)) {
        throw adminErrors.invalidRequest(
          row?.lambda_arn
            ? `The rotation function ${row.lambda_arn} does not alternate users: RetireAfterIdle applies to the built-in MultiUser templates, whose rotation changes the password of the user AWSPREVIOUS names.`
            : 'The secret has no rotation function: configure rotation (RotateSecret) with a built-in MultiUser template first.',
        );
      }
    }
    await deps.consumers.configure(secret, seconds);
    return statusOf(scope, secret);
  }

  /** Who read the secret's labelled versions within the window (default 1d), from the audit trail. */
  async function getSecretConsumers(scope: RequestScope, input: { SecretId: string; Window?: string }) {
    const secret = await secrets.authorize(scope, input.SecretId, 'DescribeSecret');
    (await authorizer.forRequest(scope)).require({ action: 'cloudtrail:LookupEvents', resource: '*', resourceAccountId: scope.accountId });
    const seconds = parseDriftInterval(input.Window ?? '1d');
    if (seconds === undefined || seconds > MAX_IDLE_SECONDS) throw adminErrors.invalidInput(`Window must be a time up to ${durationText(MAX_IDLE_SECONDS)} (30m, 6h, 7d, ...).`);
    const since = deps.now() - seconds * 1000;
    const { versions, eventsExamined } = await deps.consumers.list(secret, since);
    return { ARN: secret.arn, Name: secret.name, Since: new Date(since), Versions: versions, EventsExamined: eventsExamined };
  }

  /**
   * The checks for the secret's rotation function (a template's own, or by the value's engine for another
   * kind), with AWSCURRENT verified to be a credential they can log in with; or the reason there are none.
   */
  async function credentialChecksOf(secret: RotationTarget) {
    const row = await db.findRotation(store.db, secret.id);
    if (!row?.lambda_arn) throw adminErrors.invalidRequest('The secret has no rotation function: configure rotation (RotateSecret) first.');
    const checks = await functions.credentialChecks(row.lambda_arn);
    if (!checks) throw adminErrors.invalidRequest(`The rotation function ${row.lambda_arn} is no longer registered: Coffer cannot tell how the secret is rotated.`);
    try {
      await checks.verifyCredential(secret.arn);
    } catch (err) {
      if (err instanceof UnsupportedCredential) throw adminErrors.invalidRequest(err.message);
      throw err;
    }
    return { row, checks };
  }

  async function putRotationDriftCheck(scope: RequestScope, input: { SecretId: string; Interval: string; RotateOnDrift?: boolean }) {
    const secret = await secrets.authorize(scope, input.SecretId, 'RotateSecret');
    const seconds = parseDriftInterval(input.Interval);
    if (seconds !== undefined) {
      if (seconds < MIN_DRIFT_INTERVAL_SECONDS || seconds > MAX_DRIFT_INTERVAL_SECONDS) {
        throw adminErrors.invalidInput(`Interval must be between 1m and 30d (${MIN_DRIFT_INTERVAL_SECONDS} to ${MAX_DRIFT_INTERVAL_SECONDS} seconds), or off.`);
      }
      await credentialChecksOf(secret);
    }
    await deps.drift.configure(secret, seconds, input.RotateOnDrift === true);
    return statusOf(scope, secret);
  }

  async function checkRotationDrift(scope: RequestScope, input: { SecretId: string }) {
    const secret = await secrets.authorize(scope, input.SecretId, 'RotateSecret');
    if (!(await deps.drift.find(secret.id))) throw adminErrors.invalidRequest('The secret has no drift check: turn it on with PutRotationDriftCheck first.');
    if (!(await deps.drift.check(secret.id))) throw adminErrors.invalidRequest('A rotation is under way: AWSCURRENT is checked once it ends.');
    return statusOf(scope, secret);
  }

  /** AWSCURRENT back to AWSPREVIOUS, the database made to match first (credential-checks.ts). */
  async function rollbackRotation(scope: RequestScope, input: { SecretId: string }) {
    const secret = await secrets.authorize(scope, input.SecretId, 'RotateSecret');
    await secrets.authorize(scope, input.SecretId, 'UpdateSecretVersionStage');
    if (secret.deleted) throw adminErrors.invalidRequest('The secret is scheduled for deletion: restore it (RestoreSecret) before rolling back.');
    const { row, checks } = await credentialChecksOf(secret);
    if (row.run_token) throw adminErrors.invalidRequest('A rotation is under way: let it finish, or cancel it (CancelRotateSecret), before rolling back.');
    try {
      const result = await checks.restorePrevious(secret.arn);
      return { ARN: secret.arn, Name: secret.name, VersionId: result.currentVersionId, PreviousVersionId: result.previousVersionId };
    } catch (err) {
      if (err instanceof RollbackRefused) throw adminErrors.invalidRequest(err.message);
      // the database or the secret's value would not let the template act: the caller's to fix, not ours
      throw adminErrors.invalidRequest(`The rollback failed: ${describeError(err)}`);
    }
  }

  return { createFunction, listFunctions, getFunction, deleteFunction, invokeFunction, getRotationStatus, putRotationDriftCheck, checkRotationDrift, rollbackRotation, putRotationRetirement, getSecretConsumers };
}

export type RotationAdmin = ReturnType<typeof createRotationAdmin>;
