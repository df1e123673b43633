import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsEndpoint, isLoopback } from './metrics-endpoint.ts';

const TOKEN = 'metrics-token-7d1f0c2a9b';
const text = async () => 'coffer_requests_in_flight 1\n';
const contentType = 'text/plain; version=0.0.4; charset=utf-8';

test('loopback addresses are 127.0.0.0/8 and ::1', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1']) assert.equal(isLoopback(a), true, a);
  for (const a of [undefined, '192.0.2.2', '10.0.0.1', 'fd00::2', '::ffff:127.0.0.1', '1127.0.0.1', '::']) assert.equal(isLoopback(a), false, String(a));
});

test('without a token, loopback clients read the metrics and others are refused', async () => {
  const endpoint = createMetricsEndpoint({ text, contentType });
  const ok = await endpoint.answer('127.0.0.1', undefined, 'r1');
  assert.equal(ok.status, 200);
  assert.equal(ok.body, await text());
  assert.deepEqual(ok.headers.slice(0, 2), ['content-type', contentType]);
  assert.equal((await endpoint.answer('::1', undefined, 'r2')).status, 200);
  const refused = await endpoint.answer('192.0.2.2', `Bearer ${TOKEN}`, 'r3');
  assert.equal(refused.status, 403);
  assert.equal(JSON.parse(refused.body).__type, 'AccessDeniedException');
  assert.match(JSON.parse(refused.body).Message, /loopback clients only; start the server with --metrics-token/);
});

test('with a token, every client needs it, loopback included, and the token is never echoed', async () => {
  const endpoint = createMetricsEndpoint({ token: TOKEN, text, contentType });
  assert.equal((await endpoint.answer('192.0.2.2', `Bearer ${TOKEN}`, 'r1')).status, 200);
  assert.equal((await endpoint.answer('127.0.0.1', `Bearer ${TOKEN}`, 'r2')).status, 200);
  for (const authorization of [undefined, '', `Bearer ${TOKEN}x`, `bearer ${TOKEN}`, TOKEN, `Bearer ${TOKEN.slice(1)}`]) {
    const refused = await endpoint.answer('127.0.0.1', authorization, 'r3');
    assert.equal(refused.status, 401, String(authorization));
    assert.deepEqual(refused.headers.slice(-2), ['www-authenticate', 'Bearer']);
    assert.ok(!refused.body.includes(TOKEN.slice(4)), 'the answer does not show the token');
  }
});
