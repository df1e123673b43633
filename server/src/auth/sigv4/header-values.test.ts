import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerReader } from './header-values.ts';

const body = Buffer.alloc(0);
const raw = ['Host', 'localhost', 'X-Amz-Target', 'secretsmanager.GetSecretValue', 'User-Agent', 'first', 'user-agent', 'second', 'x-amz-target', 'kms.Decrypt'];

test('a header read from rawHeaders whatever the case of its name: the first value, or all as node:http joins them', () => {
  const read = headerReader({ method: 'POST', path: '/', query: '', headers: {}, rawHeaders: raw, body });
  assert.equal(read.first('host'), 'localhost');
  assert.equal(read.first('user-agent'), 'first');
  assert.equal(read.joined('x-amz-target'), 'secretsmanager.GetSecretValue, kms.Decrypt');
  assert.equal(read.joined('content-length'), undefined);
});

test('the header map when there are no rawHeaders; one reader per request', () => {
  const request = { method: 'POST', path: '/', query: '', headers: { 'x-amz-target': ['a', 'b'], 'user-agent': 'ua' }, body };
  assert.equal(headerReader(request).joined('x-amz-target'), 'a, b');
  assert.equal(headerReader(request).first('user-agent'), 'ua');
  assert.equal(headerReader(request), headerReader(request));
});

test('a copy of a request with other headers reads its own headers, not those of the reader it was copied with', () => {
  const request = { method: 'POST', path: '/', query: '', headers: { 'user-agent': 'ua' }, body };
  assert.equal(headerReader(request).first('user-agent'), 'ua');
  const copy = { ...request, headers: { 'user-agent': 'other' } };
  assert.equal(headerReader(copy).first('user-agent'), 'other');
  const withRaw = { ...request, rawHeaders: ['User-Agent', 'raw'] };
  assert.equal(headerReader(withRaw).first('user-agent'), 'raw');
});
