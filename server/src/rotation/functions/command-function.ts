// Command rotation functions: an executable on the server host, allowed by the operator's configuration
// (COFFER_ROTATION_COMMANDS), started once per step with the event as JSON on stdin. Its environment holds
// the endpoint, region and the function's own credentials (the AWS SDKs and CLI read these variables), so
// existing rotation code runs unchanged. Exit status 0 is success; stderr's tail, scrubbed, is the error.
import { spawn } from 'node:child_process';
import { scrub } from '../scrub.ts';
import type { Invoke, RotationEvent } from './types.ts';

export interface CommandEnvironment {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function commandInvoker(path: string, env: () => CommandEnvironment, timeoutMs: number): Invoke {
  return (event: RotationEvent) =>
    new Promise<void>((resolve, reject) => {
      const e = env();
      const child = spawn(path, [], {
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: timeoutMs,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          AWS_ENDPOINT_URL: e.endpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: e.endpoint,
          AWS_REGION: e.region,
          AWS_DEFAULT_REGION: e.region,
          AWS_ACCESS_KEY_ID: e.accessKeyId,
          AWS_SECRET_ACCESS_KEY: e.secretAccessKey,
          COFFER_ROTATION_STEP: event.Step,
        },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-2000);
      });
      child.on('error', (err) => reject(new Error(`the command could not be started: ${scrub(err.message)}`)));
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`the command exited with ${signal ?? code}${stderr ? `: ${scrub(stderr.trim(), [e.secretAccessKey])}` : ''}`));
      });
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(event));
    });
}
