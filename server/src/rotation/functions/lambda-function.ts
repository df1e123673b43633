// Lambda-style rotation functions: a handler (module.function) in a code directory on the server host, run
// as Lambda would run it. Each step starts the runtime's bootstrap (runtimes/lambda/bootstrap.py or .mjs) in
// the code directory with the event on stdin; the bootstrap calls the handler with a Lambda-shaped context.
// The environment is the function's variables, then Lambda's own (function name, log group, task root) and
// Coffer's endpoint, region and the function's credentials, which the function's variables cannot override.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { runChildStep } from './child-process.ts';
import { awsEnvironment, type CommandEnvironment } from './command-function.ts';
import type { Invoke, RotationEvent } from './types.ts';

export type RuntimeFamily = 'python' | 'nodejs';

/** `python3`, `python3.12`, `nodejs`, `nodejs20.x`: the family, or undefined for a runtime Coffer does not run. */
export function runtimeFamily(runtime: string): RuntimeFamily | undefined {
  if (/^python3(\.\d+)?$/.test(runtime)) return 'python';
  if (/^nodejs(\d+\.x)?$/.test(runtime)) return 'nodejs';
  return undefined;
}

/** Variables Lambda sets itself and refuses in a function's configuration (and Coffer sets too). */
export const RESERVED_VARIABLES = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/**
 * Variables that would change which code runs (the interpreter found on PATH, preloaded libraries, modules
 * from elsewhere): only code under COFFER_ROTATION_CODE_DIRS may run, so a function may not set them.
 */
export function loadsOtherCode(name: string): boolean {
  return /^(PATH|LD_\w+|DYLD_\w+|NODE_OPTIONS|NODE_PATH|PYTHON\w+)$/.test(name);
}

export interface LambdaFunction {
  name: string;
  arn: string;
  runtime: string;
  handler: string;
  codeDir: string;
  timeoutMs: number;
  variables: Record<string, string>;
}

export interface LambdaRuntimes {
  /** the Python 3 interpreter (COFFER_ROTATION_PYTHON, `python3` by default) */
  python: string;
  /** the Node.js binary (the server's own) */
  node: string;
  /** where bootstrap.py and bootstrap.mjs are (runtimes/lambda in the repository and the package) */
  bootstrapDir: string;
}

export function lambdaInvoker(fn: LambdaFunction, runtimes: LambdaRuntimes, env: () => CommandEnvironment, now: () => number = Date.now): Invoke {
  const family = runtimeFamily(fn.runtime);
  const bootstrap = join(runtimes.bootstrapDir, family === 'python' ? 'bootstrap.py' : 'bootstrap.mjs');
  return async (event: RotationEvent) => {
    const e = env();
    const requestId = randomUUID();
    const day = new Date(now()).toISOString().slice(0, 10).replaceAll('-', '/');
    const environment: NodeJS.ProcessEnv = {
      ...fn.variables,
      ...awsEnvironment(e),
      SECRETS_MANAGER_ENDPOINT: e.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${requestId.replaceAll('-', '')}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      LAMBDA_TASK_ROOT: fn.codeDir,
      _HANDLER: fn.handler,
      ...(family === 'python' ? { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' } : {}),
    };
    const deadline = Date.now() + fn.timeoutMs;
    return runChildStep(
      {
        command: family === 'python' ? runtimes.python : runtimes.node,
        args: [bootstrap, fn.handler, requestId, String(deadline), fn.arn],
        cwd: fn.codeDir,
        env: environment,
        timeoutMs: fn.timeoutMs,
        keepStdout: true,
        secrets: [e.secretAccessKey],
        label: `the handler ${fn.handler}`,
      },
      event,
    );
  };
}
