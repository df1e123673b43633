// The public shapes of SigV4 verification. The request is what node:http gives us, untouched: the raw path
// and query as sent, the lowercased header map and, when available, rawHeaders (needed to tell repeated
// headers apart, which IncomingMessage.headers joins with ", " or drops).

export interface SignedRequest {
  method: string;
  /** Raw path as sent on the wire, without the query. */
  path: string;
  /** Raw query string without the leading '?'. */
  query: string;
  /** node:http IncomingMessage.headers (lowercased names). */
  headers: Record<string, string | string[] | undefined>;
  /** node:http IncomingMessage.rawHeaders ([name, value, name, value, ...]); preferred when present. */
  rawHeaders?: string[];
  body: Buffer;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
  /** The service the request was signed for (one of VerifyOptions.service). */
  service: string;
  /** The request time the signature covers (X-Amz-Date, or Date). */
  signingDate: Date;
}

/** Derived kSigning keys per (secret, date, region, service). */
export interface SigningKeyCache {
  get(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer;
}

export interface VerifyOptions {
  /** Expected signing name, e.g. 'secretsmanager'; a list when one endpoint serves several services. */
  service: string | string[];
  /** The server's clock: a Date or epoch milliseconds. */
  now: Date | number;
  /**
   * The secret of a credential, or undefined when it is unknown, inactive, or its session token (the
   * request's X-Amz-Security-Token, when it sent one) is not valid for it: UnrecognizedClientException.
   */
  lookupSecretKey(accessKeyId: string, securityToken: string | undefined): Promise<string | undefined>;
  /** Pass one long-lived cache (see createSigningKeyCache); without it every call derives the key again. */
  signingKeys?: SigningKeyCache;
  /** Which credential-scope regions to accept; by default any well-formed region name. */
  isValidRegion?(region: string): boolean;
}
