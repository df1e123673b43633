// Raw SigV4 requests for the tests that must send what no SDK sends: a request is signed by
// @smithy/signature-v4 (the signer every JS SDK client uses), kept as the list of header lines it would be
// sent with, changed line by line (a second Authorization, an unsigned X-Amz-Target, ...) and sent through
// node:http, which writes the lines as given (fetch would merge repeated headers into one).
import { request as httpRequest } from 'node:http';
import { smithySigner, type TestCredentials } from '../../src/auth/sigv4/test-signer.ts';
import { rawResponse, type RawResponse } from './helpers.ts';

/** What to sign: an AWS JSON 1.1 POST / to `endpoint`. */
export interface SignSpec {
  endpoint: string;
  credentials: TestCredentials;
  region: string;
  /** the signing name in the credential scope */
  service: string;
  signingDate: Date;
  /** X-Amz-Target */
  target: string;
  body: string;
  /** more headers, signed unless named in `unsigned` */
  headers?: Record<string, string>;
  /** header names (lowercase) the signer leaves out of SignedHeaders */
  unsigned?: string[];
  /** query parameters, signed (plain values: they are sent percent-encoded) */
  query?: Record<string, string>;
}

/** A request as it goes on the wire. */
export interface Wire {
  /** path and query */
  path: string;
  /** header lines in order, names as written */
  headers: Array<[string, string]>;
  body: string;
}

export async function signWire(spec: SignSpec): Promise<Wire> {
  const url = new URL(spec.endpoint);
  const signer = smithySigner(spec.credentials, spec.region, spec.service);
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: spec.query ?? {},
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': spec.target, ...(spec.headers ?? {}) },
      body: spec.body,
    },
    { signingDate: spec.signingDate, unsignableHeaders: new Set(spec.unsigned ?? []) },
  );
  const query = Object.entries(spec.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return {
    path: query.length > 0 ? `/?${query.join('&')}` : '/',
    headers: Object.entries(signed.headers as Record<string, string>),
    body: spec.body,
  };
}

/** The first value of a header (any case of its name). */
export function headerOf(wire: Wire, name: string): string | undefined {
  return wire.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** Every line of the header replaced by one with this value (appended if there was none); undefined removes it. */
export function setHeader(wire: Wire, name: string, value: string | undefined): Wire {
  const others = wire.headers.filter(([n]) => n.toLowerCase() !== name);
  return { ...wire, headers: value === undefined ? others : [...others, [name, value]] };
}

/** One more line, after the others (a repeated header). */
export function addHeader(wire: Wire, name: string, value: string): Wire {
  return { ...wire, headers: [...wire.headers, [name, value]] };
}

/** Rewrites one parameter (Credential, SignedHeaders, Signature) of the Authorization header. */
export function setAuthParam(wire: Wire, param: string, value: string): Wire {
  const authorization = headerOf(wire, 'authorization') ?? '';
  return setHeader(wire, 'authorization', authorization.replace(new RegExp(`${param}=[^,]*`), `${param}=${value}`));
}

/** Sends the lines as they are (plus Content-Length of the body when the wire has none). */
export function sendWire(endpoint: string, wire: Wire): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = Buffer.from(wire.body);
  const lines = headerOf(wire, 'content-length') === undefined ? [...wire.headers, ['content-length', String(body.length)]] : wire.headers;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path: wire.path, setHost: false, headers: lines.flat() },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
          resolve(rawResponse(res.statusCode ?? 0, headers, Buffer.concat(chunks).toString('utf8')));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
