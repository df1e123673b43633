// The console over HTTPS: a server started with a certificate from a test CA, Chromium trusting exactly that
// certificate's key (a SPKI pin, as an operator's browser trusts their CA). Signing in and listing secrets
// go through the SDK in the page over TLS; without the pin Chromium refuses the site.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { createTestCa, opensslMissing, type ServerCertificate } from '../../server/test/support/tls-cert.ts';
import { buildConsole, chromiumMissing, launch, newPage, screenshot } from './support/browser.ts';
import { signIn } from './support/session.ts';

const skip = chromiumMissing() ?? opensslMissing();
let dir: string;
let cert: ServerCertificate;
let server: TestServer;
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  buildConsole();
  dir = mkdtempSync(join(tmpdir(), 'coffer-console-tls-'));
  const ca = createTestCa(dir);
  cert = ca.issue('server');
  server = await startTestServer({ tls: { certFile: cert.certFile, keyFile: cert.keyFile, caPem: ca.caPem } });
  const sm = server.client();
  for (const name of ['tls/app-db', 'tls/api-key']) await sm.send(new CreateSecretCommand({ Name: name, SecretString: `${name}-value` }));
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('console over HTTPS', { skip }, () => {
  test('signs in and lists the secrets, on a secure origin', async () => {
    browser = await launch([`--ignore-certificate-errors-spki-list=${cert.spkiSha256}`]);
    const problems: string[] = [];
    const page = await newPage(browser, problems);
    assert.match(server.endpoint, /^https:/);
    await signIn(page, server);
    await page.getByRole('link', { name: 'tls/app-db' }).waitFor();
    await page.getByRole('link', { name: 'tls/api-key' }).waitFor();
    assert.deepEqual(await page.evaluate(() => ({ protocol: location.protocol, secure: window.isSecureContext })), { protocol: 'https:', secure: true });
    await screenshot(page, 'https-secrets-list');
    assert.deepEqual(problems, []);
    await browser.close();
    browser = undefined;
  });

  test('without the pin Chromium refuses the certificate (the test CA is trusted by nothing else)', async () => {
    browser = await launch();
    const page = await newPage(browser, []);
    await assert.rejects(page.goto(server.endpoint + '/'), /ERR_CERT_AUTHORITY_INVALID/);
  });
});
