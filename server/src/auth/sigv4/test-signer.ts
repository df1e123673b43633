// Test support: signs requests with the official @smithy/signature-v4 (what every JS SDK client uses) and
// turns the result into the SignedRequest node:http would hand us.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SignedRequest } from './types.ts';

// The SHA-256 constructor the SDK itself gives SignatureV4 in Node.
const NodeSha256 = Hash.bind(null, 'sha256');

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  credentials: TestCredentials;
  region: string;
  service: string;
  signingDate: Date;
  method?: string;
  path?: string;
  /** Decoded query parameters, as the SDK holds them. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  /** false: do not add X-Amz-Content-Sha256 (the signer adds it by default). */
  applyChecksum?: boolean;
}

export function smithySigner(credentials: TestCredentials, region: string, service: string, applyChecksum = true): SignatureV4 {
  return new SignatureV4({ credentials, region, service, sha256: NodeSha256, applyChecksum });
}

export async function signWithSmithy(input: SignInput): Promise<SignedRequest> {
  const signer = smithySigner(input.credentials, input.region, input.service, input.applyChecksum ?? true);
  const body = input.body ?? '';
  const signed = await signer.sign(
    {
      method: input.method ?? 'POST',
      protocol: 'https:',
      hostname: 'localhost',
      path: input.path ?? '/',
      query: input.query ?? {},
      headers: { host: 'localhost:4566', ...(input.headers ?? {}) },
      body,
    },
    { signingDate: input.signingDate },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: signed.method,
    path: signed.path,
    query: Object.entries(signed.query ?? {})
      .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
      .join('&'),
    headers,
    body: Buffer.from(body),
  };
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Rewrites one parameter of the Authorization header (Credential, SignedHeaders, Signature). */
export function withAuthParam(request: SignedRequest, name: string, value: string): SignedRequest {
  const header = String(request.headers.authorization);
  const replaced = header.replace(new RegExp(`${name}=[^,]*`), `${name}=${value}`);
  return { ...request, headers: { ...request.headers, authorization: replaced } };
}

export function withHeaders(request: SignedRequest, changes: Record<string, string | undefined>): SignedRequest {
  const headers = { ...request.headers };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return { ...request, headers };
}
