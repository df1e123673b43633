// Coffer's Node.js runtime for Lambda-style rotation functions: one process per step, as
//   node bootstrap.mjs <handler> <request id> <deadline, epoch ms> <function ARN>
// in the function's code directory, with the event as JSON on stdin. It imports the handler's module from
// that directory (.js, .mjs or .cjs) and calls it with the event and a context shaped like Lambda's, awaiting
// it (or its callback). An error is printed with its stack and, last, its type and message; the exit is 1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [spec, requestId, deadlineMs, functionArn] = process.argv.slice(2);

function fail(errorType, message) {
  process.stderr.write(`${errorType}: ${message}\n`);
  process.exit(1);
}

async function loadHandler() {
  const dot = spec.lastIndexOf('.');
  const modulePath = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => join(process.cwd(), modulePath + ext)).find((f) => existsSync(f));
  if (!file) fail('Runtime.ImportModuleError', `Cannot find module '${modulePath}'`);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    process.stderr.write(`${err?.stack ?? err}\n`);
    fail('Runtime.ImportModuleError', `Unable to import module '${modulePath}': ${err?.message ?? err}`);
  }
  const handler = mod[name] ?? mod.default?.[name];
  if (typeof handler !== 'function') fail('Runtime.HandlerNotFound', `${spec} is undefined or not exported`);
  return handler;
}

const env = process.env;
const context = {
  functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
  invokedFunctionArn: functionArn,
  memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
  awsRequestId: requestId,
  logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
  logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, Number(deadlineMs) - Date.now()),
};

const handler = await loadHandler();
const event = JSON.parse(readFileSync(0, 'utf8'));
try {
  // a handler taking a callback (event, context, callback) finishes when it calls it
  await (handler.length >= 3 ? new Promise((resolve, reject) => handler(event, context, (err, result) => (err ? reject(err) : resolve(result)))) : handler(event, context));
} catch (err) {
  const type = err?.name ?? err?.constructor?.name ?? 'Error';
  process.stderr.write(`${err?.stack ?? ''}\n`);
  fail(type, err?.message ?? String(err));
}
// a finished invocation ends its process, whatever the handler left open (pools, sockets)
process.exit(0);
