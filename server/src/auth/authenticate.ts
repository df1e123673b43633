// Who is calling: SigV4 verification against the access-key store, or, in dev mode, whatever
// credentials the request names (as local AWS emulators do), in the configured account.
import { AwsError } from '../errors/aws-errors.ts';
import type { MaybePromise } from '../protocol/maybe-promise.ts';
import { createSigningKeyCache, readCredentialScope, verifySigV4, type SignedRequest } from './sigv4/index.ts';
import type { AccessKeyRecord, AccessKeyStore, Principal } from './access-keys.ts';

export interface Caller extends Principal {
  region: string;
  /** the client's address (aws:SourceIp), as the HTTP layer saw it */
  sourceIp?: string;
  userAgent?: string;
}

/** What the HTTP layer knows about a request besides its bytes. */
export interface RequestMeta {
  sourceIp?: string;
}

export interface Authenticator {
  /** The caller at once when its access key is in memory (nearly always), else a promise of it. */
  authenticate(request: SignedRequest, services: string[]): MaybePromise<Caller>;
}

const DEFAULT_REGION = 'us-east-1';

export function createAuthenticator(keys: AccessKeyStore, now: () => number): Authenticator {
  const signingKeys = createSigningKeyCache();
  function verify(request: SignedRequest, services: string[], record: AccessKeyRecord | undefined): Caller {
    const verified = verifySigV4(request, {
      service: services,
      now: now(),
      signingKeys,
      lookupSecretKey: (id) => (record && record.active && record.accessKeyId === id ? record.secretAccessKey : undefined),
    });
    return { accountId: record!.accountId, arn: record!.arn, accessKeyId: record!.accessKeyId, region: verified.region };
  }

  return {
    authenticate(request, services) {
      const scope = readCredentialScope(request);
      if (!scope) return verify(request, services, undefined);
      // A known key is nearly always in memory: then the caller is answered without a promise.
      const cached = keys.findCached(scope.accessKeyId);
      if (cached !== undefined) return verify(request, services, cached ?? undefined);
      return keys.find(scope.accessKeyId).then((record) => verify(request, services, record));
    },
  };
}

export function createDevAuthenticator(accountId: string): Authenticator {
  return {
    authenticate(request) {
      const scope = readCredentialScope(request);
      const region = scope?.region || DEFAULT_REGION;
      if (!/^[a-z]{2,}(-[a-z]+)+-\d+$/.test(region) && region !== DEFAULT_REGION) {
        throw new AwsError('InvalidSignatureException', `Credential should be scoped to a valid region. `);
      }
      return { accountId, arn: `arn:aws:iam::${accountId}:root`, accessKeyId: scope?.accessKeyId ?? 'dev', region };
    },
  };
}
