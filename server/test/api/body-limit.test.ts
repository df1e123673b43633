// A body over the limit gets the 413 with an AWS JSON error, every time, however it is sent: the server must
// not close the connection while the client is still sending (the client would see a reset or a broken pipe,
// and the SDKs a network error they retry, instead of the answer). Sent through raw node:http from another
// process (body-sender.ts), repeatedly, to catch the race.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import { MAX_BODY_BYTES } from '../../src/http/server.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import type { Attempt, SendOrder } from './body-sender.ts';

const REPEAT = 25;

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function expect413Every(how: Pick<SendOrder, 'declared' | 'chunk'>, bodyBytes = 3 * 1024 * 1024): Promise<void> {
  const order: SendOrder = { endpoint: server.endpoint, bodyBytes, repeat: REPEAT, ...how };
  const sender = fileURLToPath(new URL('./body-sender.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', sender, JSON.stringify(order)]);
  const attempts = JSON.parse(stdout) as Attempt[];
  const message = `The request body is larger than ${MAX_BODY_BYTES} bytes.`;
  const expected: Attempt = { status: 413, errorType: 'RequestEntityTooLargeException', text: JSON.stringify({ __type: 'RequestEntityTooLargeException', Message: message }) };
  assert.equal(attempts.length, REPEAT);
  const failed = attempts.flatMap((got, i) => (isDeepStrictEqual(got, expected) ? [] : [{ attempt: i + 1, got }]));
  assert.deepEqual(failed, [], `${failed.length} of ${REPEAT} attempts did not get the 413`);
}

describe('a body over the limit', () => {
  it('sent at once with its Content-Length gets the 413', () => expect413Every({ declared: true }));
  it('sent at once without a Content-Length (chunked) gets the 413', () => expect413Every({ declared: false }));
  it('sent slowly gets the 413', () => expect413Every({ declared: true, chunk: { bytes: 64 * 1024, pauseMs: 1 } }));
  it('sent slowly and chunked gets the 413', () => expect413Every({ declared: false, chunk: { bytes: 64 * 1024, pauseMs: 1 } }));
  it('just over the limit, slowly, gets the 413', () => expect413Every({ declared: true, chunk: { bytes: 16 * 1024, pauseMs: 1 } }, MAX_BODY_BYTES));

  it('leaves the server serving', async () => {
    const res = await fetch(`${server.endpoint}/_coffer/health`);
    assert.equal(res.status, 200);
  });
});
