// A closed-loop load of AWS JSON requests, each signed when it is sent, with latency recorded per operation.
// Why not wrk or autocannon: wrk replays requests formatted once (a SigV4 signature expires after 15 minutes,
// and PutSecretValue needs a new ClientRequestToken per call), and autocannon's setupRequest is synchronous
// (the SDK's signer, @smithy/signature-v4, is async) and keeps one latency histogram for all requests. So each
// connection here is a loop over node:http with a keep-alive agent (one socket per loop): pick an operation by
// weight, build its body, sign it with the SDK's signer, send, time the answer into that operation's histogram.
// The client's own CPU (signing included) shares the machine with the server: the bare node:http server measured
// with this same client is the reference that shows it.
import { Agent, request } from 'node:http';
import { build, type Histogram } from 'hdr-histogram-js';
import type { SignatureV4 } from '@smithy/signature-v4';
import { signedHeaders } from './bench-secrets.ts';

export interface LoadOperation {
  /** the AWS operation name (X-Amz-Target is `<targetPrefix>.<name>`) */
  name: string;
  /** relative share of the requests */
  weight: number;
  /** a new request body for each call */
  body(): string;
}

export interface OperationFigures {
  name: string;
  count: number;
  /** answers that were not 200, and requests that failed (connection errors) */
  errors: number;
  /** the first error answer, for diagnosis */
  firstError?: string;
  rps: number;
  /** latency in milliseconds, from the request's first byte to the answer's last, signing excluded */
  p50: number;
  p99: number;
  p999: number;
}

export interface SignedLoadOptions {
  port: number;
  signer: SignatureV4;
  targetPrefix: string;
  operations: LoadOperation[];
  connections: number;
  seconds: number;
}

/** Per operation and, first, for all of them together. */
export async function signedLoad(options: SignedLoadOptions): Promise<OperationFigures[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const all = newHistogram();
  const perOperation = options.operations.map((op) => ({ op, histogram: newHistogram(), errors: 0, firstError: undefined as string | undefined }));
  const totalWeight = options.operations.reduce((sum, op) => sum + op.weight, 0);
  const pick = () => {
    let r = Math.random() * totalWeight;
    for (const entry of perOperation) if ((r -= entry.op.weight) < 0) return entry;
    return perOperation[perOperation.length - 1];
  };
  const start = performance.now();
  const end = start + options.seconds * 1000;
  let errors = 0;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) {
        const entry = pick();
        const body = entry.op.body();
        const headers = await signedHeaders(options.signer, options.port, `${options.targetPrefix}.${entry.op.name}`, body);
        const sent = performance.now();
        const answer = await send(agent, options.port, headers, body);
        const micros = Math.max(1, Math.round((performance.now() - sent) * 1000));
        entry.histogram.recordValue(micros);
        all.recordValue(micros);
        if (answer.status !== 200) {
          entry.errors++;
          errors++;
          entry.firstError ??= `${answer.status} ${answer.body}`.slice(0, 300);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const figures = (name: string, histogram: Histogram, errorCount: number, firstError?: string): OperationFigures => ({
    name,
    count: histogram.totalCount,
    errors: errorCount,
    firstError,
    rps: histogram.totalCount / elapsed,
    p50: histogram.getValueAtPercentile(50) / 1000,
    p99: histogram.getValueAtPercentile(99) / 1000,
    p999: histogram.getValueAtPercentile(99.9) / 1000,
  });
  return [
    figures('all', all, errors, perOperation.find((e) => e.firstError)?.firstError),
    ...perOperation.map((e) => figures(e.op.name, e.histogram, e.errors, e.firstError)),
  ];
}

function newHistogram(): Histogram {
  // Microseconds from 1 µs to 10 minutes, three significant digits.
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

/** One POST / on a kept-alive connection: its status, and its body when it is not 200. Status 0: the request failed. */
function send(agent: Agent, port: number, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ agent, host: '127.0.0.1', port, method: 'POST', path: '/', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const status = res.statusCode ?? 0;
      let text = '';
      if (status === 200) res.resume();
      else res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status, body: text }));
      res.on('error', (err) => resolve({ status: 0, body: err.message }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(body);
  });
}
