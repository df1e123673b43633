// STS's operations, for both protocols (Query and JSON 1.0): AWS shapes in and out, the rules in sts-service.ts.
// The model's other operations answer NotImplemented.
import type { Handler } from '../../protocol/pipeline.ts';
import type { StsService } from './sts-service.ts';

export function stsHandlers(sts: StsService): Record<string, Handler> {
  return {
    GetCallerIdentity: async (caller) => sts.callerIdentity(caller),
    GetAccessKeyInfo: async (_caller, input) => sts.accessKeyInfo(input.AccessKeyId as string),
  };
}
