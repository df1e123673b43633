// Command rotation functions: an executable on the server host, allowed by the operator's configuration
// (COFFER_ROTATION_COMMANDS), started once per step with the event as JSON on stdin. Its environment holds
// the endpoint, region and the function's own credentials (the AWS SDKs and CLI read these variables), so
// existing rotation code runs unchanged. Exit status 0 is success; stderr's tail, scrubbed, is the error.
import { runChildStep } from './child-process.ts';
import type { Invoke, RotationEvent } from './types.ts';

export interface CommandEnvironment {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The variables the AWS SDKs and CLI read: Coffer's endpoint, the region, the function's credentials. */
export function awsEnvironment(e: CommandEnvironment): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_ENDPOINT_URL: e.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: e.endpoint,
    AWS_REGION: e.region,
    AWS_DEFAULT_REGION: e.region,
    AWS_ACCESS_KEY_ID: e.accessKeyId,
    AWS_SECRET_ACCESS_KEY: e.secretAccessKey,
  };
}

export function commandInvoker(path: string, env: () => CommandEnvironment, timeoutMs: number): Invoke {
  return async (event: RotationEvent) => {
    const e = env();
    return runChildStep(
      { command: path, env: { ...awsEnvironment(e), COFFER_ROTATION_STEP: event.Step }, timeoutMs, keepStdout: false, secrets: [e.secretAccessKey], label: 'the command' },
      event,
    );
  };
}
