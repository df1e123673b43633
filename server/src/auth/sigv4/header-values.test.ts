import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalHeaderValue, headerReader } from './header-values.ts';

const body = Buffer.alloc(0);
const raw = ['Host', 'localhost', 'X-Amz-Target', 'secretsmanager.GetSecretValue', 'User-Agent', 'first', 'user-agent', 'second', 'x-amz-target', 'kms.Decrypt'];

test('a header read from rawHeaders whatever the case of its name: the first value, or all as node:http joins them', () => {
  const read = headerReader({ method: 'POST', path: '/', query: '', headers: {}, rawHeaders: raw, body });
  assert.equal(read.first('host'), 'localhost');
  assert.equal(read.first('user-agent'), 'first');
  assert.equal(read.joined('x-amz-target'), 'secretsmanager.GetSecretValue, kms.Decrypt');
  assert.equal(read.joined('content-length'), undefined);
});

test('names once each, lowercased, and how many lines carry each', () => {
  const read = headerReader({ method: 'POST', path: '/', query: '', headers: {}, rawHeaders: raw, body });
  assert.deepEqual([...read.names()], ['host', 'x-amz-target', 'user-agent']);
  assert.deepEqual([read.count('x-amz-target'), read.count('host'), read.count('date')], [2, 1, 0]);
});

test('the header map when there are no rawHeaders: an array value is one line per element', () => {
  const read = headerReader({ method: 'POST', path: '/', query: '', headers: { 'x-amz-target': ['a', 'b'], 'user-agent': 'ua' }, body });
  assert.equal(read.joined('x-amz-target'), 'a, b');
  assert.equal(read.canonical('x-amz-target'), 'a,b');
  assert.equal(read.count('x-amz-target'), 2);
  assert.equal(read.first('user-agent'), 'ua');
});

test('rawHeaders win over the header map', () => {
  const read = headerReader({ method: 'POST', path: '/', query: '', headers: { 'user-agent': 'map' }, rawHeaders: ['User-Agent', 'raw'], body });
  assert.equal(read.first('user-agent'), 'raw');
});

test('canonical values: line breaks and runs of blanks become one space, ends trimmed', () => {
  assert.equal(canonicalHeaderValue('  a \t b\r\n  c  '), 'a b c');
  assert.equal(canonicalHeaderValue('plain'), 'plain');
  assert.equal(canonicalHeaderValue('a\tb'), 'a b');
  assert.equal(canonicalHeaderValue('a b '), 'a b');
});
