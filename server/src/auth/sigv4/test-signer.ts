// Test support: signs requests with the official @smithy/signature-v4 (what every JS SDK client uses) and
// turns the result into the SignedRequest node:http would hand us. Neither @smithy/hash-node nor
// @aws-crypto/sha256-js is installed, so the hash constructor is a few lines over node:crypto.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SignedRequest } from './types.ts';

type SourceData = string | ArrayBuffer | ArrayBufferView;

class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

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
