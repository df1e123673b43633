// Who is calling: SigV4 verification against the access-key store, or, in dev mode, whatever
// credentials the request names (as local AWS emulators do), in the configured account.
import { AwsError } from '../errors/aws-errors.ts';
import { createSigningKeyCache, headerReader, readCredentialScope, verifySigV4, type HeaderReader, type SignedRequest } from './sigv4/index.ts';
import type { AccessKeyRecord, AccessKeyStore, Principal } from './access-keys.ts';
import type { ReadCache, ReadView } from '../store/read-cache.ts';

export interface Caller extends Principal {
  region: string;
  /** the client's address (aws:SourceIp), as the HTTP layer saw it */
  sourceIp?: string;
  /** the request came over TLS (aws:SecureTransport) */
  secureTransport?: boolean;
  userAgent?: string;
  /**
   * The request's view of the read cache, through which its access key was read: the services read through
   * it too, so a request reads the store's change token once.
   */
  view?: ReadView;
}

/** What the HTTP layer knows about a request besides its bytes. */
export interface RequestMeta {
  sourceIp?: string;
  /** it came over TLS */
  secureTransport?: boolean;
}

/** What the caller carries of the request besides who it is: the HTTP layer's meta and the User-Agent. */
export interface RequestContext extends RequestMeta {
  userAgent?: string;
}

export interface Authenticator {
  /**
   * The verified caller, or an AwsError (the AWS authentication error the request deserves). `headers`: the
   * request's headers as the caller has read them already (read from the request when not given);
   * `context`: what the caller carries of the request (policy conditions and the audit trail read it).
   */
  authenticate(request: SignedRequest, services: string[], headers?: HeaderReader, context?: RequestContext): Promise<Caller>;
}

function fromContext(context: RequestContext): Pick<Caller, 'sourceIp' | 'secureTransport' | 'userAgent'> {
  return { sourceIp: context.sourceIp, secureTransport: context.secureTransport === true, userAgent: context.userAgent };
}

const DEFAULT_REGION = 'us-east-1';

export function createAuthenticator(keys: AccessKeyStore, cache: ReadCache, now: () => number): Authenticator {
  const signingKeys = createSigningKeyCache();
  return {
    async authenticate(request, services, headers = headerReader(request), context = {}) {
      let key: AccessKeyRecord | undefined;
      let view: ReadView | undefined;
      const verified = await verifySigV4(request, {
        service: services,
        now: now(),
        signingKeys,
        async lookupSecretKey(accessKeyId, securityToken) {
          // Coffer issues no temporary credentials, so no session token is valid, with any key (AWS refuses a
          // token sent with a long-term key the same way).
          if (securityToken !== undefined) return undefined;
          view = await cache.view();
          key = await keys.find(view, accessKeyId);
          return key?.active ? key.secretAccessKey : undefined;
        },
      }, headers);
      // verifySigV4 returns only after lookupSecretKey found an active key.
      const { accountId, arn, accessKeyId } = key!;
      return { accountId, arn, accessKeyId, region: verified.region, view, ...fromContext(context) };
    },
  };
}

export function createDevAuthenticator(accountId: string): Authenticator {
  return {
    async authenticate(request, _services, _headers, context = {}) {
      const scope = readCredentialScope(request);
      const region = scope?.region || DEFAULT_REGION;
      if (!/^[a-z]{2,}(-[a-z]+)+-\d+$/.test(region) && region !== DEFAULT_REGION) {
        throw new AwsError('InvalidSignatureException', `Credential should be scoped to a valid region. `);
      }
      return { accountId, arn: `arn:aws:iam::${accountId}:root`, accessKeyId: scope?.accessKeyId ?? 'dev', region, ...fromContext(context) };
    },
  };
}
