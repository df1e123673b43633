import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { buildConsole, chromiumMissing, launch, watchPage } from './support/browser.ts';

const skip = chromiumMissing();
let server: TestServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  if (skip) return;
  buildConsole();
  server = await startTestServer();
  browser = await launch();
  page = await browser.newPage();
  watchPage(page, problems);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('sign in', { skip }, async () => {
  await page.goto(server.endpoint + '/');
  await page.getByLabel('Access key ID').fill(server.credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(server.credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Secrets' }).waitFor({ timeout: 10000 });
  console.log(await page.locator('header').innerText());
  assert.deepEqual(problems, []);
});
