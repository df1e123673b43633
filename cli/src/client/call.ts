// Sends one operation by its model name through the SDK's generated command class, and turns failures into the
// CLI's errors. --debug logs the operation, the parameter names, the status and the request id: never values.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { debugLog, type GlobalOptions } from '../args/global-options.ts';
import { classifySdkError } from './errors.ts';
import { loadSdk } from './sdk.ts';

export type Params = Record<string, unknown>;
export type Response = Record<string, unknown>;

type CommandCtor = new (input: Params) => Parameters<SecretsManagerClient['send']>[0];

export interface CallOptions {
  /** ends the call (the agent's bound on a long poll) */
  abortSignal?: AbortSignal;
}

export interface Caller {
  call(operation: string, params: Params, options?: CallOptions): Promise<Response>;
  endpoint: string;
  region: string;
  destroy(): void;
}

export function createCaller(client: SecretsManagerClient, endpoint: string, region: string, opts: GlobalOptions, profile: string | undefined): Caller {
  return {
    endpoint,
    region,
    destroy: () => client.destroy(),
    async call(operation, params, options = {}) {
      const Ctor = (loadSdk() as unknown as Record<string, CommandCtor | undefined>)[`${operation}Command`];
      if (!Ctor) throw new Error(`the SDK has no ${operation}Command`);
      const started = Date.now();
      debugLog(opts, `${operation} -> ${endpoint} (${region}) parameters: ${Object.keys(params).join(', ') || '(none)'}`);
      try {
        const out = (await client.send(new Ctor(params), options)) as Response & { $metadata?: { httpStatusCode?: number; requestId?: string } };
        debugLog(opts, `${operation} <- ${out.$metadata?.httpStatusCode ?? '?'} request id ${out.$metadata?.requestId ?? '?'} in ${Date.now() - started} ms`);
        const { $metadata: _ignored, ...rest } = out;
        return rest;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
        debugLog(opts, `${operation} <- ${e.$metadata?.httpStatusCode ?? 'no response'} ${e.name ?? ''} request id ${e.$metadata?.requestId ?? '?'} in ${Date.now() - started} ms`);
        throw classifySdkError(err, operation, endpoint, profile);
      }
    },
  };
}
