// Rotation, composed: RotateSecret/CancelRotateSecret, the function registry with the built-in templates,
// the engine and the scheduler. app.ts builds it once and adds its handlers to Secrets Manager's.
import type { RootKey } from '../crypto/root-key.ts';
import type { RequestScope } from '../services/admin/authorizer.ts';
import { parseSecretArnScope } from './secret-arn.ts';
import type { SecretServiceDeps } from '../services/secretsmanager/secret-context.ts';
import type { SecretService } from '../services/secretsmanager/secret-service.ts';
import * as secrets from '../services/secretsmanager/secret-store.ts';
import { createRotationEngine, type EngineLogger, type EngineOptions } from './engine.ts';
import { createFunctionRegistry } from './functions/registry.ts';
import type { SecretsApi } from './functions/templates/secrets-api.ts';
import { builtInTemplates } from './functions/templates/index.ts';
import type { FunctionScope } from './functions/types.ts';
import * as db from './rotation-store.ts';
import { createRotateSecret, rotationFields } from './rotate-secret.ts';
import { createRotationScheduler } from './scheduler.ts';

export interface RotationDeps {
  secretDeps: SecretServiceDeps;
  secretService: SecretService;
  rootKey: RootKey;
  logger: EngineLogger;
  /** this server's id in leases and claims */
  holder: string;
  allowedCommands?: readonly string[];
  endpoint?: () => string | undefined;
  engine?: Partial<EngineOptions>;
  /** how long a function may take for one step */
  functionTimeoutMs?: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { maxAttempts: 4, backoffMs: 30_000, claimMs: 15 * 60_000 };

export function createRotation(deps: RotationDeps) {
  const { secretDeps, secretService } = deps;
  const { store, now } = secretDeps;
  let engineRef: ReturnType<typeof createRotationEngine> | undefined;

  async function fieldsOf(arn: string) {
    const scope = parseSecretArnScope(arn);
    const secret = scope && (await secrets.findSecretByArn(store.db, scope, arn));
    return secret ? rotationFields(await db.findRotation(store.db, secret.id)) : {};
  }

  /** The Secrets Manager API as a built-in function in `scope` sees it. */
  function secretsApi(scope: FunctionScope): SecretsApi {
    const internal: RequestScope = { accountId: scope.accountId, region: scope.region };
    return {
      describeSecret: async (input) => {
        const base = await secretService.describeSecret(internal, input);
        return { ...base, ...(await fieldsOf(base.ARN!)) };
      },
      getSecretValue: (input) => secretService.getSecretValue(internal, input),
      putSecretValue: (input) => secretService.putSecretValue(internal, input),
      updateSecretVersionStage: (input) => secretService.updateSecretVersionStage(internal, input),
      getRandomPassword: (input) => secretService.getRandomPassword(internal, input),
    };
  }

  const functions = createFunctionRegistry({
    store,
    rootKey: deps.rootKey,
    now,
    randomBytes: secretDeps.randomBytes,
    allowedCommands: deps.allowedCommands ?? [],
    endpoint: deps.endpoint ?? (() => undefined),
    templates: builtInTemplates(secretsApi, deps.logger),
    timeoutMs: deps.functionTimeoutMs ?? 5 * 60_000,
  });
  const rotate = createRotateSecret({
    ...secretDeps,
    functionExists: functions.exists,
    startRun: (secretId) => engineRef?.start(secretId),
  });
  const engine = createRotationEngine({
    store,
    now,
    holder: deps.holder,
    functions,
    logger: deps.logger,
    options: { ...DEFAULT_ENGINE_OPTIONS, ...deps.engine },
  });
  engineRef = engine;
  const scheduler = createRotationScheduler({
    store,
    now,
    holder: deps.holder,
    randomUUID: secretDeps.randomUUID,
    engine,
    startScheduled: rotate.startScheduled,
    logger: deps.logger,
    leaseMs: 5 * 60_000,
  });

  /** The rotation-status view: the run in progress and the last outcome (errors scrubbed). */
  async function status(arn: string) {
    const scope = parseSecretArnScope(arn);
    const secret = scope && (await secrets.findSecretByArn(store.db, scope, arn));
    const row = secret ? await db.findRotation(store.db, secret.id) : undefined;
    if (!row) return undefined;
    const steps = row.run_mode === 'test' ? ['testSecret'] : ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
    return {
      LastStatus: row.last_status ?? undefined,
      LastError: row.last_error ?? undefined,
      LastErrorDate: row.last_error_at !== null ? new Date(row.last_error_at) : undefined,
      PendingVersionId: row.run_token ?? undefined,
      NextStep: row.run_token ? steps[row.run_step] : undefined,
      Attempts: row.run_attempts,
      NextAttemptDate: row.run_next_at !== null ? new Date(row.run_next_at) : undefined,
    };
  }

  return {
    status,
    rotateSecret: rotate.rotateSecret,
    cancelRotateSecret: rotate.cancelRotateSecret,
    fieldsOf,
    /** the registry (the admin API's functions target, once it exists; tests register through it) */
    functions,
    /** one scheduler pass: start due rotations, run due steps (the background sweep calls it) */
    tick: scheduler.tick,
    /** resolves when the rotations running in this process have stopped (finished, or waiting for a retry) */
    settled: engine.settled,
  };
}

export type Rotation = ReturnType<typeof createRotation>;
