import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawHeader, requestHeader } from './request-headers.ts';

const raw = ['Host', 'localhost', 'X-Amz-Target', 'secretsmanager.GetSecretValue', 'User-Agent', 'first', 'user-agent', 'second', 'x-amz-target', 'kms.Decrypt'];

test('rawHeader finds a header whatever the case of its name, as node:http would give it', () => {
  assert.equal(rawHeader(raw, 'host'), 'localhost');
  assert.equal(rawHeader(raw, 'user-agent'), 'first', 'a repeated header node keeps once: the first');
  assert.equal(rawHeader(raw, 'x-amz-target', true), 'secretsmanager.GetSecretValue, kms.Decrypt', 'joined with ", " like the header map');
  assert.equal(rawHeader(raw, 'content-length'), undefined);
});

test('requestHeader reads the header map when there are no rawHeaders', () => {
  const headers = { 'x-amz-target': ['a', 'b'], 'user-agent': 'ua' };
  assert.equal(requestHeader({ method: 'POST', path: '/', query: '', headers, body: Buffer.alloc(0) }, 'x-amz-target', true), 'a, b');
  assert.equal(requestHeader({ method: 'POST', path: '/', query: '', headers, body: Buffer.alloc(0) }, 'user-agent'), 'ua');
  assert.equal(requestHeader({ method: 'POST', path: '/', query: '', headers: {}, rawHeaders: raw, body: Buffer.alloc(0) }, 'host'), 'localhost');
});
