// The rotation functions registered in Coffer, one per name in an account and region, each named by a
// Lambda-style ARN (arn:aws:lambda:<region>:<account>:function:<name>) that RotationLambdaARN refers to.
// A function is a built-in template, an HTTP URL (events signed with a key made here, shown once), a
// command the operator's configuration allows, or a Lambda-style handler in a code directory the configuration
// allows (these two with the credentials they act with, sealed by the root key with a handler's variables).
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import type { RootKey } from '../../crypto/root-key.ts';
import { adminErrors } from '../../errors/admin-errors.ts';
import { isUniqueViolation, type Executor, type Store } from '../../store/db.ts';
import * as db from '../rotation-store.ts';
import { commandInvoker } from './command-function.ts';
import { httpInvoker } from './http-function.ts';
import { lambdaInvoker, loadsOtherCode, RESERVED_VARIABLES, runtimeFamily, type LambdaRuntimes } from './lambda-function.ts';
import type { CredentialChecks } from './templates/credential-checks.ts';
import type { FunctionScope, Invoke } from './types.ts';

export interface FunctionDefinition {
  name: string;
  /** a template name (SecretsManagerRDSPostgreSQLRotationSingleUser, ...) or its serverless-repository ARN */
  template?: string;
  url?: string;
  command?: string;
  /** a Lambda-style function: its code directory on the server host, runtime, handler, variables, timeout */
  code?: string;
  runtime?: string;
  handler?: string;
  variables?: Record<string, string>;
  timeoutSeconds?: number;
  /** a command or Lambda-style function's own credentials (an access key of a user whose policies say what it may do) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** What a command or Lambda-style function's sealed blob holds. */
interface SealedSettings {
  accessKeyId: string;
  secretAccessKey: string;
  variables?: Record<string, string>;
}

export interface FunctionInfo {
  FunctionArn: string;
  Name: string;
  Kind: 'template' | 'http' | 'command' | 'lambda';
  Target: string;
  /** the access key a command or Lambda-style function acts with */
  AccessKeyId?: string;
  Runtime?: string;
  Handler?: string;
  Timeout?: number;
  CreatedDate: Date;
}

export interface RegistryDeps {
  store: Store;
  rootKey: RootKey;
  now: () => number;
  randomBytes: (n: number) => Buffer;
  /** absolute paths of the executables command functions may run */
  allowedCommands: readonly string[];
  /** directories under which Lambda-style functions' code may be */
  allowedCodeDirs: readonly string[];
  lambdaRuntimes: LambdaRuntimes;
  /** the server's own endpoint, for command functions (known once it listens) */
  endpoint: () => string | undefined;
  /** template name -> the function for a scope */
  templates: Readonly<Record<string, (scope: FunctionScope) => Invoke>>;
  /** template name -> its drift check and rollback for a scope */
  credentialChecks: Readonly<Record<string, (scope: FunctionScope) => CredentialChecks>>;
  /** the drift check and rollback for a scope's secrets rotated by other kinds of function (by the value's engine) */
  functionCredentialChecks: (scope: FunctionScope) => CredentialChecks;
  timeoutMs: number;
}

export function functionArn(scope: FunctionScope, name: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
}

/** The directory at `path` with its symbolic links followed, or undefined when there is none (or not ours to see). */
function realDirectory(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** A Lambda-style function's runtime, handler, variables and timeout, checked as Lambda checks them. */
function checkLambdaSettings(def: FunctionDefinition): Pick<db.FunctionRow, 'runtime' | 'handler' | 'timeout_seconds'> {
  if (def.runtime === undefined || def.handler === undefined) throw adminErrors.invalidInput('A function given by its Code needs a Runtime and a Handler.');
  if (!runtimeFamily(def.runtime)) throw adminErrors.invalidInput(`The runtime ${def.runtime} is not supported: use python3 or nodejs (or a versioned name such as python3.12, nodejs20.x).`);
  if (!/^[A-Za-z0-9_./-]+\.[A-Za-z0-9_$]+$/.test(def.handler) || def.handler.split('/').includes('..')) {
    throw adminErrors.invalidInput('A Handler is module.function (e.g. lambda_function.lambda_handler), the module a path inside the code directory.');
  }
  const t = def.timeoutSeconds;
  if (t !== undefined && !(Number.isInteger(t) && t >= 1 && t <= 900)) throw adminErrors.invalidInput('Timeout is a whole number of seconds from 1 to 900.');
  for (const name of Object.keys(def.variables ?? {})) {
    if (RESERVED_VARIABLES.has(name)) throw adminErrors.invalidInput(`The environment variable ${name} is reserved: Coffer sets it, as Lambda does.`);
    if (loadsOtherCode(name)) throw adminErrors.invalidInput(`The environment variable ${name} would run code from outside the code directory: put what the function needs in it.`);
  }
  return { runtime: def.runtime, handler: def.handler, timeout_seconds: t ?? null };
}

export function templateName(template: string): string {
  const m = /^arn:aws:serverlessrepo:[^:]+:\d+:applications\/(.+)$/.exec(template);
  return m ? m[1] : template;
}

export function createFunctionRegistry(deps: RegistryDeps) {
  const { store, rootKey } = deps;
  const aad = (arn: string) => `rotation-function:${arn}`;

  function info(row: db.FunctionRow): FunctionInfo {
    const accessKeyId = (row.kind === 'command' || row.kind === 'lambda') && row.secret_sealed ? settingsOf(row).accessKeyId : undefined;
    return {
      FunctionArn: row.arn,
      Name: row.name,
      Kind: row.kind as FunctionInfo['Kind'],
      Target: row.target,
      ...(accessKeyId ? { AccessKeyId: accessKeyId } : {}),
      ...(row.runtime ? { Runtime: row.runtime } : {}),
      ...(row.handler ? { Handler: row.handler } : {}),
      ...(row.timeout_seconds !== null ? { Timeout: row.timeout_seconds } : {}),
      CreatedDate: new Date(row.created_at),
    };
  }

  function settingsOf(row: db.FunctionRow): SealedSettings {
    return JSON.parse(rootKey.open(row.secret_sealed!, aad(row.arn)).toString('utf8')) as SealedSettings;
  }

  // Both sides with their links followed: a link inside an allowed directory may not lead out of it.
  const codeDirAllowed = (dir: string) =>
    deps.allowedCodeDirs.some((configured) => {
      const allowed = realDirectory(configured) ?? configured;
      return dir === allowed || dir.startsWith(allowed + sep);
    });

  /** Registers a function. For an HTTP function the answer includes its SigningKey (base64), shown only here. */
  async function create(scope: FunctionScope, def: FunctionDefinition): Promise<FunctionInfo & { SigningKey?: string }> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(def.name)) throw adminErrors.invalidInput('A function name has 1 to 64 letters, digits, hyphens and underscores.');
    const given = [def.template, def.url, def.command, def.code].filter((x) => x !== undefined);
    if (given.length !== 1) throw adminErrors.invalidInput('Give exactly one of template, url, command and code.');
    const lambda = def.code !== undefined;
    if (!lambda && [def.runtime, def.handler, def.variables, def.timeoutSeconds].some((x) => x !== undefined)) {
      throw adminErrors.invalidInput('Runtime, Handler, Environment and Timeout are for a function given by its Code.');
    }
    const arn = functionArn(scope, def.name);
    let kind: FunctionInfo['Kind'];
    let target: string;
    let secret: Buffer | null = null;
    let signingKey: Buffer | undefined;
    let lambdaColumns: Pick<db.FunctionRow, 'runtime' | 'handler' | 'timeout_seconds'> = { runtime: null, handler: null, timeout_seconds: null };
    if (def.template !== undefined) {
      kind = 'template';
      target = templateName(def.template);
      if (!deps.templates[target]) throw adminErrors.invalidInput(`There is no built-in rotation template ${target}.`);
    } else if (def.url !== undefined) {
      kind = 'http';
      target = def.url;
      if (!/^https?:\/\//.test(target)) throw adminErrors.invalidInput('A function URL must start with http:// or https://.');
      signingKey = deps.randomBytes(32);
      secret = rootKey.seal(signingKey, aad(arn));
    } else if (def.command !== undefined) {
      kind = 'command';
      target = resolve(def.command);
      if (!deps.allowedCommands.includes(target)) {
        throw adminErrors.invalidInput(`The command ${target} is not allowed: the server's COFFER_ROTATION_COMMANDS must list it.`);
      }
      if (!def.credentials) throw adminErrors.invalidInput('A command function needs the credentials it acts with.');
      secret = rootKey.seal(Buffer.from(JSON.stringify(def.credentials), 'utf8'), aad(arn));
    } else {
      kind = 'lambda';
      // relative to what? the caller's directory is not the server's: say where, on the server host
      if (!isAbsolute(def.code!)) throw adminErrors.invalidInput(`Code is the absolute path of a directory on the server host, not ${def.code}.`);
      const given = resolve(def.code!);
      const real = realDirectory(given);
      if (!codeDirAllowed(real ?? given)) {
        throw adminErrors.invalidInput(`The code directory ${given} is not allowed: the server's COFFER_ROTATION_CODE_DIRS must list it or a directory above it.`);
      }
      if (!real) throw adminErrors.invalidInput(`There is no directory ${given} on the server host.`);
      target = real;
      lambdaColumns = checkLambdaSettings(def);
      if (!def.credentials) throw adminErrors.invalidInput('A function given by its Code needs the credentials it acts with.');
      const sealed: SealedSettings = { ...def.credentials, ...(def.variables ? { variables: def.variables } : {}) };
      secret = rootKey.seal(Buffer.from(JSON.stringify(sealed), 'utf8'), aad(arn));
    }
    const row: db.FunctionRow = {
      account_id: scope.accountId,
      region: scope.region,
      name: def.name,
      arn,
      kind,
      target,
      secret_sealed: secret,
      created_at: deps.now(),
      ...lambdaColumns,
    };
    try {
      await db.insertFunction(store.db, row);
    } catch (err) {
      if (isUniqueViolation(err)) throw adminErrors.functionExists(def.name);
      throw err;
    }
    return { ...info(row), ...(signingKey ? { SigningKey: signingKey.toString('base64') } : {}) };
  }

  async function list(scope: FunctionScope): Promise<FunctionInfo[]> {
    return (await db.listFunctions(store.db, scope.accountId, scope.region)).map(info);
  }

  /** By name in a scope (the admin API), or by ARN. */
  async function get(arnOrScope: string | FunctionScope, name?: string): Promise<FunctionInfo | undefined> {
    const arn = typeof arnOrScope === 'string' ? arnOrScope : functionArn(arnOrScope, name!);
    const row = await db.findFunctionByArn(store.db, arn);
    return row ? info(row) : undefined;
  }

  async function remove(scope: FunctionScope, name: string): Promise<boolean> {
    return db.deleteFunction(store.db, functionArn(scope, name));
  }

  async function invoker(arn: string): Promise<Invoke | undefined> {
    const row = await db.findFunctionByArn(store.db, arn);
    if (!row) return undefined;
    const scope = { accountId: row.account_id, region: row.region };
    if (row.kind === 'template') return deps.templates[row.target]?.(scope);
    if (row.kind === 'http') return httpInvoker(row.target, rootKey.open(row.secret_sealed!, aad(row.arn)), deps.now, deps.timeoutMs);
    const allowed = row.kind === 'lambda' ? codeDirAllowed(realDirectory(row.target) ?? row.target) : deps.allowedCommands.includes(row.target);
    if (!allowed) return undefined; // no longer allowed by the configuration
    const { variables, ...credentials } = settingsOf(row);
    const env = () => {
      const endpoint = deps.endpoint();
      if (!endpoint) throw new Error('the server is not listening yet');
      return { endpoint, region: row.region, ...credentials };
    };
    if (row.kind === 'command') return commandInvoker(row.target, env, deps.timeoutMs);
    const fn = {
      name: row.name,
      arn: row.arn,
      runtime: row.runtime!,
      handler: row.handler!,
      codeDir: row.target,
      timeoutMs: row.timeout_seconds !== null ? row.timeout_seconds * 1000 : deps.timeoutMs,
      variables: variables ?? {},
    };
    return lambdaInvoker(fn, deps.lambdaRuntimes, env, deps.now);
  }

  /**
   * The drift check and rollback of a secret rotated by `arn`: a built-in template's own, or for another kind
   * the checks by the value's engine; undefined when no such function is registered.
   */
  async function credentialChecks(arn: string): Promise<CredentialChecks | undefined> {
    const row = await db.findFunctionByArn(store.db, arn);
    if (!row) return undefined;
    const scope = { accountId: row.account_id, region: row.region };
    return row.kind === 'template' ? deps.credentialChecks[row.target]?.(scope) : deps.functionCredentialChecks(scope);
  }

  /** What kind of function `arn` is, as a metrics label: its template's name, `http`, `command` or `lambda` (never its name or target). */
  async function kindOf(arn: string): Promise<string | undefined> {
    const row = await db.findFunctionByArn(store.db, arn);
    return row && (row.kind === 'template' ? row.target : row.kind);
  }

  /** Root-key rotation: re-seals every function's signing key or credentials under the new root key. */
  async function rewrapSecrets(tx: Executor, from: RootKey, to: RootKey): Promise<number> {
    const rows = await tx.selectFrom('rotation_functions').select(['arn', 'secret_sealed']).where('secret_sealed', 'is not', null).execute();
    for (const row of rows) {
      const secret = from.open(row.secret_sealed!, aad(row.arn));
      await tx.updateTable('rotation_functions').set({ secret_sealed: to.seal(secret, aad(row.arn)) }).where('arn', '=', row.arn).execute();
      secret.fill(0);
    }
    return rows.length;
  }

  return { create, list, get, remove, invoker, credentialChecks, kindOf, rewrapSecrets, exists: async (arn: string, executor: Executor = store.db) => (await db.findFunctionByArn(executor, arn)) !== undefined };
}

export type FunctionRegistry = ReturnType<typeof createFunctionRegistry>;
