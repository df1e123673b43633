// Shared helpers for the API suite: AWS error assertions, request tokens, state snapshots (to prove a
// failed request changed nothing) and raw signed HTTP for what the SDK cannot send.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  ListSecretVersionIdsCommand,
  ListSecretsCommand,
  SecretsManagerClient,
  type SecretListEntry,
} from '@aws-sdk/client-secrets-manager';
import { smithySigner } from '../../src/auth/sigv4/test-signer.ts';

export const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";
export const INVALID_NAME =
  'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!';
export const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";
export const TOKEN_REQUIRED = 'You must provide a ClientRequestToken value. We recommend a UUID-type value.';

/** A fresh ClientRequestToken (32..64 characters). */
export const token = (): string => randomUUID();

let counter = 0;
/** A name unique within the test run. */
export function uniqueName(prefix = 's'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomUUID().slice(0, 8)}`;
}

interface SdkError extends Error {
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

/**
 * Awaits a call that must fail with the AWS error `name` (and `message` when given: a string for exact
 * equality, a RegExp to match). Every Secrets Manager error is HTTP 400. Returns the error.
 */
export async function expectAwsError(call: Promise<unknown>, name: string, message?: string | RegExp, status = 400): Promise<SdkError> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error, `expected ${name}, but the call succeeded`);
  const err = caught as SdkError;
  assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, status, `HTTP status of ${name}`);
  if (typeof message === 'string') assert.equal(err.message, message);
  else if (message) assert.match(err.message, message);
  return err;
}

/** Everything observable about one secret without reading its value (reading would touch LastAccessedDate). */
export async function secretState(client: SecretsManagerClient, secretId: string): Promise<unknown> {
  const { $metadata: _m1, ...describe } = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const { $metadata: _m2, ...versions } = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true }));
  return { describe, versions };
}

/** All secrets of the client's scope (deleted ones included), each with its full state. */
export async function scopeState(client: SecretsManagerClient): Promise<unknown[]> {
  const entries = await listAll(client, { IncludePlannedDeletion: true });
  const out: unknown[] = [];
  for (const e of entries) out.push(await secretState(client, e.ARN!));
  return out;
}

export async function listAll(client: SecretsManagerClient, input: ConstructorParameters<typeof ListSecretsCommand>[0] = {}): Promise<SecretListEntry[]> {
  const out: SecretListEntry[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListSecretsCommand({ ...input, NextToken }));
    out.push(...(page.SecretList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

export interface RawOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
  /** omit to leave the header out */
  target?: string;
  signingDate?: Date;
  /** false: send without any signature */
  sign?: boolean;
  /** extra headers (added before signing) */
  headers?: Record<string, string>;
  /** changes to the signed headers after signing (e.g. to break the signature) */
  tamper?: (headers: Record<string, string>) => void;
  /** a body to send instead of the one that was signed */
  sendBody?: string | Buffer;
  /** the signing name in the credential scope; secretsmanager unless told */
  service?: string;
  /** for an https endpoint: the CA to trust (fetch trusts only the system's) */
  ca?: string;
}

/** POST / with an AWS JSON 1.1 body, SigV4-signed with @smithy/signature-v4 unless `sign: false`. */
export async function rawRequest(endpoint: string, body: string | Buffer, options: RawOptions): Promise<RawResponse> {
  const url = new URL(endpoint);
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    ...(options.target !== undefined ? { 'x-amz-target': options.target } : {}),
    ...(options.headers ?? {}),
  };
  if (options.sign !== false) {
    const signer = smithySigner(options.credentials!, options.region ?? 'us-east-1', options.service ?? 'secretsmanager');
    const signed = await signer.sign(
      { method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers, body },
      { signingDate: options.signingDate ?? new Date() },
    );
    headers = { ...(signed.headers as Record<string, string>) };
  }
  options.tamper?.(headers);
  delete headers.host;
  const sent = options.sendBody ?? body;
  if (options.ca) return httpsPost(`${endpoint}/`, headers, sent, options.ca);
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers, body: typeof sent === 'string' ? sent : new Uint8Array(sent) });
  return rawResponse(res.status, res.headers, await res.text());
}

function httpsPost(url: string, headers: Record<string, string>, body: string | Buffer, ca: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const replied = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') replied.set(name, value);
        resolve(rawResponse(res.statusCode ?? 0, replied, Buffer.concat(chunks).toString('utf8')));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A reply as the raw tests read it, with its JSON body when it has one. */
export function rawResponse(status: number, headers: Headers, text: string): RawResponse {
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

/** Asserts an AWS JSON error reply: HTTP 400 (unless told), x-amzn-ErrorType and `__type` equal to `type`. */
export function assertRawError(res: RawResponse, type: string, message?: string | RegExp, status = 400): void {
  assert.equal(res.status, status, `status for ${type}: ${res.text}`);
  assert.equal(res.headers.get('x-amzn-errortype'), type, `x-amzn-ErrorType: ${res.text}`);
  assert.equal(res.json?.__type, type);
  if (typeof message === 'string') assert.equal(res.json?.Message, message);
  else if (message) assert.match(String(res.json?.Message), message);
}

/** A clock the test moves; the server reads it as `now`. */
export function movableClock(): { now: () => number; advance(ms: number): void; offset(): number } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms), offset: () => offset };
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** DescribeSecret's VersionIdsToStages with each label list sorted. */
export async function labelsOf(client: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  const d = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries(Object.entries(d.VersionIdsToStages ?? {}).map(([v, s]) => [v, [...s].sort()]));
}

/**
 * What a replica must equal of its primary: name, description, tags, resource policy and every version (id,
 * labels, creation date), in a stable order; not ARNs, keys or access dates, which are the replica's own.
 */
export async function replicaView(client: SecretsManagerClient, secretId: string) {
  const d = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const v = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true, MaxResults: 100 }));
  const p = await client.send(new GetResourcePolicyCommand({ SecretId: secretId }));
  const versions = v.Versions!.map((x) => [x.VersionId, [...(x.VersionStages ?? [])].sort(), x.CreatedDate?.getTime()] as const);
  return {
    name: d.Name,
    description: d.Description,
    tags: d.Tags,
    stages: d.VersionIdsToStages,
    versions: versions.sort((x, y) => x[0]!.localeCompare(y[0]!)),
    policy: p.ResourcePolicy,
  };
}

/** Polls `probe` every 100 ms until it returns true (errors count as not yet); fails after `timeoutMs`. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
