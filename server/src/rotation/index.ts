// Rotation, composed: RotateSecret/CancelRotateSecret, the function registry with the built-in templates,
// the engine, the scheduler and the drift checks. app.ts builds it once and adds its handlers to Secrets Manager's.
import type { Authorizer, RequestScope } from '../access/authorizer.ts';
import type { RootKey } from '../crypto/root-key.ts';
import type { Store } from '../store/db.ts';
import type { SecretService } from '../services/secretsmanager/secret-service.ts';
import { createConsumers, type ConsumersDeps } from './consumers.ts';
import { createDriftChecks, type DriftDeps } from './drift.ts';
import { createRotationEngine, type EngineDeps, type EngineLogger, type EngineOptions } from './engine.ts';
import { createFunctionRegistry } from './functions/registry.ts';
import type { SecretsApi } from './functions/templates/secrets-api.ts';
import { builtInCredentialChecks, builtInTemplates, functionCredentialChecks } from './functions/templates/index.ts';
import type { FunctionScope } from './functions/types.ts';
import * as db from './rotation-store.ts';
import { createRotateSecret, rotationFields } from './rotate-secret.ts';
import { createRotationAdmin } from './rotation-admin.ts';
import { retirementFields, rotationStatusView } from './rotation-status.ts';
import { createRotationScheduler } from './scheduler.ts';
import { secretValuesOf } from './scrub.ts';
import { parseSecretArnScope } from './secret-arn.ts';

export interface RotationDeps {
  store: Store;
  /** the Secrets Manager service: rotation reaches secrets only through it (its `rotation` part) */
  secretService: SecretService;
  /** the admin API's function operations are authorized with Lambda's actions */
  authorizer: Authorizer;
  now: () => number;
  randomBytes: (n: number) => Buffer;
  randomUUID: () => string;
  rootKey: RootKey;
  logger: EngineLogger;
  /** this server's id in leases and claims */
  holder: string;
  allowedCommands?: readonly string[];
  /** directories under which Lambda-style functions' code may be */
  allowedCodeDirs?: readonly string[];
  /** the Python 3 interpreter for python3 handlers (`python3` by default) */
  python?: string;
  /** where the Lambda-style functions' bootstraps are (runtimes/lambda) */
  lambdaBootstrapDir: string;
  endpoint?: () => string | undefined;
  engine?: Partial<EngineOptions>;
  /** how long a function may take for one step */
  functionTimeoutMs?: number;
  /** each step's outcome and each run's end (app.ts records them in the audit trail) */
  onProgress?: EngineDeps['onProgress'];
  /** each drift check's result (app.ts records it in the metrics and the audit trail) */
  onDriftCheck?: DriftDeps['onCheck'];
  /** who read a secret, from the audit trail (consumers and consumer-aware retirement) */
  reads: ConsumersDeps['reads'];
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { maxAttempts: 4, backoffMs: 30_000, claimMs: 15 * 60_000 };

export function createRotation(deps: RotationDeps) {
  const { store, now, secretService } = deps;
  const secrets = secretService.rotation;
  let engineRef: ReturnType<typeof createRotationEngine> | undefined;

  async function fieldsOf(arn: string) {
    const secret = await secrets.findByArn(arn);
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
      getSecretValue: async (input) => secretService.getSecretValue(internal, input),
      putSecretValue: (input) => secretService.putSecretValue(internal, input),
      updateSecretVersionStage: (input) => secretService.updateSecretVersionStage(internal, input),
      getRandomPassword: (input) => secretService.getRandomPassword(internal, input),
    };
  }

  const functions = createFunctionRegistry({
    store,
    rootKey: deps.rootKey,
    now,
    randomBytes: deps.randomBytes,
    allowedCommands: deps.allowedCommands ?? [],
    allowedCodeDirs: deps.allowedCodeDirs ?? [],
    lambdaRuntimes: { python: deps.python ?? 'python3', node: process.execPath, bootstrapDir: deps.lambdaBootstrapDir },
    endpoint: deps.endpoint ?? (() => undefined),
    templates: builtInTemplates(secretsApi, deps.logger),
    credentialChecks: builtInCredentialChecks(secretsApi, deps.logger),
    functionCredentialChecks: functionCredentialChecks(secretsApi, deps.logger),
    timeoutMs: deps.functionTimeoutMs ?? 5 * 60_000,
  });
  const consumers = createConsumers({ store, secretService, functions, reads: deps.reads, now });
  const rotate = createRotateSecret({
    secrets,
    now,
    functionExists: functions.exists,
    startRun: (secretId) => engineRef?.start(secretId),
    hold: (secret, lambdaArn) => consumers.hold(secret, lambdaArn),
  });
  const options = { ...DEFAULT_ENGINE_OPTIONS, ...deps.engine };
  const secretValues = (arn: string) => secretValuesOfStages(secretService, arn);
  const engine = createRotationEngine({
    store,
    secrets,
    now,
    holder: deps.holder,
    functions,
    logger: deps.logger,
    options,
    secretValues,
    onProgress: deps.onProgress,
  });
  engineRef = engine;
  const drift = createDriftChecks({
    store,
    secrets,
    functions,
    now,
    randomUUID: deps.randomUUID,
    startRotation: rotate.startScheduled,
    logger: deps.logger,
    onCheck: deps.onDriftCheck,
  });
  const scheduler = createRotationScheduler({
    store,
    now,
    holder: deps.holder,
    randomUUID: deps.randomUUID,
    engine,
    startScheduled: rotate.startScheduled,
    // the lease holder's upkeep: settings of purged secrets go, then the due drift checks run
    runDriftChecks: async () => {
      await consumers.deleteOrphans();
      await drift.runDue();
    },
    logger: deps.logger,
    leaseMs: 5 * 60_000,
  });

  /** The rotation-status view of a secret ARN (internal: no authorization; the admin API's is in rotation-admin.ts). */
  async function status(arn: string) {
    const secret = await secrets.findByArn(arn);
    if (!secret) return undefined;
    const view = rotationStatusView(secret, await db.findRotation(store.db, secret.id), options.maxAttempts, await drift.find(secret.id));
    return { ...view, ...(await retirementFields(consumers, secret, true)) };
  }

  const admin = createRotationAdmin({ store, authorizer: deps.authorizer, secrets, functions, drift, consumers, maxAttempts: options.maxAttempts, secretValues, now });

  return {
    status,
    rotateSecret: rotate.rotateSecret,
    cancelRotateSecret: rotate.cancelRotateSecret,
    fieldsOf,
    /** DescribeSecret's rotation fields for many secrets at once (ListSecrets) */
    fieldsOfMany: async (arns: string[]) => {
      const rows = await db.findRotationsByArns(store.db, arns);
      return new Map(arns.map((arn) => [arn, rotationFields(rows.get(arn))]));
    },
    /** the admin API's rotation operations (functions, GetRotationStatus) */
    admin,
    /** the registry (the admin API's function operations use it; tests may register through it directly) */
    functions,
    /** one scheduler pass: start due rotations, run due steps (the background sweep calls it) */
    tick: scheduler.tick,
    /** resolves when the rotations running in this process have stopped (finished, or waiting for a retry) */
    settled: engine.settled,
    /** how many rotations are due and overdue now, across the store (the metrics read it) */
    backlog: () => db.countBacklog(store.db, now()),
    /** how many secrets' last drift check found AWSCURRENT not logging in (the metrics read it) */
    driftedSecrets: drift.countDrifted,
    /** at shutdown: no more passes; waits at most `waitMs` for the rotations under way, then releases the scheduler lease */
    stop: scheduler.stop,
  };
}

export type Rotation = ReturnType<typeof createRotation>;

/** The values of a secret's labelled versions, for scrubbing a failed step's error (read only then). */
async function secretValuesOfStages(service: SecretService, arn: string): Promise<string[]> {
  const scope = parseSecretArnScope(arn);
  if (!scope) return [];
  const values: string[] = [];
  for (const stage of ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS']) {
    const got = await service.getSecretValue(scope, { SecretId: arn, VersionStage: stage }).catch(() => undefined);
    values.push(...secretValuesOf(got?.SecretString));
  }
  return values;
}
