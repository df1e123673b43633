// STS's operations as the Query protocol calls them: AWS shapes in and out, the rules in sts-service.ts.
import type { Handler } from '../../protocol/pipeline.ts';
import type { StsService } from './sts-service.ts';

export const STS_VERSION = '2011-06-15';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** STS operations Coffer does not implement: answered NotImplemented (not InvalidAction, which means "no such operation"). */
export const STS_UNIMPLEMENTED = [
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetDelegatedAccessToken',
  'GetFederationToken',
  'GetSessionToken',
  'GetWebIdentityToken',
] as const;

export function stsHandlers(sts: StsService): Record<string, Handler> {
  return {
    GetCallerIdentity: async (caller) => sts.callerIdentity(caller),
  };
}
