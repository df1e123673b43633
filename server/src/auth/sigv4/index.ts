// Public surface of SigV4 verification; everything else in this folder is one step of it.
export type { SignedRequest, SigningKeyCache, VerifiedCaller, VerifyOptions } from './types.ts';
export { verifySigV4 } from './verify-sigv4.ts';
export { readCredentialScope } from './read-credential-scope.ts';
export { headerReader, type HeaderReader } from './header-values.ts';
export { createSigningKeyCache } from './signing-key.ts';
export { MAX_SKEW_MS } from './request-time.ts';
export { signRequest, type OutgoingRequest, type SigningCredentials } from './sign-request.ts';
