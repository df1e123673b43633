import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStaticFiles, CONTENT_SECURITY_POLICY } from './static-files.ts';

async function withServer(root: string, fn: (url: string) => Promise<void>): Promise<void> {
  const files = createStaticFiles(root);
  const server: Server = createServer((req, res) => {
    files.serve(req.method!, req.url!, res).then((handled) => { if (!handled) res.writeHead(418).end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

test('index.html is revalidated, hashed assets are immutable, all with the CSP; traversal and /_coffer/ are not served', async () => {
  const root = mkdtempSync(join(tmpdir(), 'coffer-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(root, 'assets', 'index-AbCdEf12.js'), 'console.log(1)');
  try {
    await withServer(root, async (url) => {
      const index = await fetch(`${url}/`);
      assert.equal(index.status, 200);
      assert.equal(index.headers.get('cache-control'), 'no-cache');
      assert.equal(index.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'/);
      assert.match(CONTENT_SECURITY_POLICY, /connect-src 'self'/);
      assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
      assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
      const asset = await fetch(`${url}/assets/index-AbCdEf12.js`);
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal((await fetch(`${url}/assets/missing-AbCdEf12.js`)).status, 404);
      assert.equal((await fetch(`${url}/secrets/some-route`)).status, 200, 'client routes get index.html');
      assert.equal((await fetch(`${url}/..%2f..%2fetc%2fpasswd`)).status, 404);
      assert.equal((await fetch(`${url}/_coffer/anything`)).status, 418, '/_coffer/ is left to the server');
      assert.equal((await fetch(`${url}/`, { method: 'POST' })).status, 418, 'POST is the API');
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('without a build, / says how to build the console', async () => {
  const root = mkdtempSync(join(tmpdir(), 'coffer-static-'));
  try {
    await withServer(root, async (url) => {
      const res = await fetch(`${url}/`);
      assert.equal(res.status, 404);
      assert.match(await res.text(), /not built/);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
