// Best-effort read of who a request claims to be, without verifying anything: for a development mode that
// accepts any credentials but still needs the region (and access key) to scope the request.
import { splitCredential } from './credential-scope.ts';
import { headerReader } from './header-values.ts';
import type { SignedRequest } from './types.ts';

const CREDENTIAL_PARAM = /(?:^|[\s,])Credential=([^\s,]+)/;

export function readCredentialScope(
  request: SignedRequest,
): { accessKeyId: string; region: string; service: string } | undefined {
  const authorization = headerReader(request).first('authorization');
  const match = authorization === undefined ? null : CREDENTIAL_PARAM.exec(authorization);
  const parts = match ? splitCredential(match[1]) : undefined;
  if (!parts || parts.accessKeyId === '' || parts.region === '') return undefined;
  return { accessKeyId: parts.accessKeyId, region: parts.region, service: parts.service };
}
