// The client of body-limit.test.ts, run as its own process (`node --import tsx body-sender.ts <order JSON>`):
// sends a body over the limit `repeat` times, each on a new connection, and prints what each attempt got as
// JSON. It must not share the server's event loop: there the server always reads its socket in time, and
// the race a real client meets never happens.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SendOrder {
  endpoint: string;
  bodyBytes: number;
  repeat: number;
  /** Content-Length, or none (chunked transfer encoding) */
  declared: boolean;
  /** bytes per write and the pause between writes; one write when undefined */
  chunk?: { bytes: number; pauseMs: number };
}

export type Attempt = { status: number; errorType: unknown; text: string } | { error: string };

function send(order: SendOrder, body: Buffer): Promise<Attempt> {
  const url = new URL(order.endpoint);
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.CreateSecret',
          ...(order.declared ? { 'content-length': String(body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, errorType: res.headers['x-amzn-errortype'], text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => resolve({ error: String(err) }));
      },
    );
    req.on('error', (err) => resolve({ error: String(err) }));
    if (!order.chunk) {
      req.end(body);
      return;
    }
    const { bytes, pauseMs } = order.chunk;
    void (async () => {
      for (let at = 0; at < body.length && !req.destroyed; at += bytes) {
        req.write(body.subarray(at, at + bytes));
        await sleep(pauseMs);
      }
      req.end();
    })();
  });
}

if (process.argv[2]) {
  const order = JSON.parse(process.argv[2]) as SendOrder;
  const body = Buffer.from(`{"Name":"huge","SecretString":"${'x'.repeat(order.bodyBytes)}"}`);
  const attempts: Attempt[] = [];
  for (let i = 0; i < order.repeat; i++) attempts.push(await send(order, body));
  process.stdout.write(JSON.stringify(attempts));
}
