// The console with realistic data, as a new user meets it: a key protecting 120 secrets (a count and a link
// to the filtered list, not a chip per secret), the audit trail newest first with one form of resource, the
// resource-policy dialog saying no policy is attached, "Last retrieved" as a date, and every page at a
// phone's width without the page scrolling sideways. Headless Chromium against a real server.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CreateSecretCommand, GetSecretValueCommand, PutResourcePolicyCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateAliasCommand, CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { buildConsole, chromiumMissing, launch, newPage, screenshot } from './support/browser.ts';
import { eventually, openSecret, signIn } from './support/session.ts';

const skip = chromiumMissing();
let server: TestServer;
let sm: SecretsManagerClient;
let kms: KMSClient;
let browser: Browser;
let page: Page;
let keyId: string;
const problems: string[] = [];
const UNDER_KEY = 120;
const OTHER = 'other/billing-db';

before(async () => {
  if (skip) return;
  buildConsole();
  server = await startTestServer();
  sm = server.client();
  kms = server.kmsClient();
  keyId = (await kms.send(new CreateKeyCommand({ Description: 'bulk key' }))).KeyMetadata!.KeyId!;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/bulk', TargetKeyId: keyId }));
  // 120 secrets under one key, named as users name it: by key id, and a few by the alias.
  for (let start = 0; start < UNDER_KEY; start += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => {
      const i = start + j;
      return sm.send(new CreateSecretCommand({ Name: `bulk/service-${String(i).padStart(3, '0')}`, SecretString: `v${i}`, KmsKeyId: i < 5 ? 'alias/bulk' : keyId }));
    }));
  }
  for (const name of [OTHER, 'other/cache', 'other/queue']) await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
  browser = await launch();
  page = await newPage(browser, problems);
  await signIn(page, server);
});
after(async () => {
  await browser?.close();
  kms?.destroy();
  await server?.close();
});

/** The page scrolls sideways when its content is wider than the window. */
const pageOverflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('console: the first day, with realistic data', { skip }, () => {
  test('keys page: a key protecting 120 secrets shows a count linking to the list filtered by the key', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
    const row = page.locator(`tr[data-key="${keyId}"]`);
    const link = row.getByRole('link', { name: `${UNDER_KEY} secrets` });
    await link.waitFor();
    await page.getByRole('row').filter({ hasText: 'alias/aws/secretsmanager' }).getByRole('link', { name: '3 secrets' }).waitFor();
    // The key id keeps its width: one line, not squeezed into a column a few characters wide.
    const id = row.locator('.key-id');
    assert.equal(await id.textContent(), keyId);
    assert.equal(await id.evaluate((el) => el.getClientRects().length), 1, 'the key id is on one line');
    assert.equal(await row.getByRole('link').count(), 1, 'one link, not one per secret');
    await screenshot(page, 'keys-many-secrets');
    await link.click();
    await page.getByRole('status').getByText(`Encrypted under key ${keyId}: ${UNDER_KEY} secrets.`).waitFor();
    assert.equal(new URL(page.url()).hash, `#/secrets?key=${keyId}`);
    await eventually(async () => assert.equal(await page.locator('table.grid tbody tr').count(), UNDER_KEY));
    await page.getByRole('link', { name: 'bulk/service-000', exact: true }).waitFor(); // named by the alias
    assert.equal(await page.getByRole('link', { name: OTHER }).count(), 0, 'only the secrets under the key');
    // The search box still narrows the filtered list.
    await page.getByLabel('Search secrets').fill('bulk/service-11');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => assert.equal(await page.locator('table.grid tbody tr').count(), 10));
    await page.getByRole('link', { name: 'Show all secrets' }).click();
    await page.getByRole('link', { name: OTHER }).waitFor();
    assert.equal(await page.getByRole('status').filter({ hasText: 'Encrypted under key' }).count(), 0);
  });

  test('"Last retrieved" on the detail page is a date (AWS keeps only the day)', async () => {
    await sm.send(new GetSecretValueCommand({ SecretId: OTHER }));
    await openSecret(page, OTHER);
    const shown = await page.locator('dt:text-is("Last retrieved") + dd').textContent();
    assert.equal(shown, new Date().toISOString().slice(0, 10));
  });

  test('the resource-policy dialog says when no policy is attached and the editor holds an example', async () => {
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Edit resource permissions' }).click();
    let dialog = page.getByRole('dialog', { name: 'Edit resource permissions' });
    await dialog.getByRole('note').getByText(/^No resource policy is attached to this secret yet\. The editor holds an example to start from, not a policy in force: it would let account 123456789012 read the value\./).waitFor();
    assert.match(await dialog.getByLabel('Resource policy (JSON)').inputValue(), /123456789012/);
    await screenshot(page, 'policy-none-attached');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.app.accountId}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
    await sm.send(new PutResourcePolicyCommand({ SecretId: OTHER, ResourcePolicy: JSON.stringify(policy) }));
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Edit resource permissions' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit resource permissions' });
    await dialog.getByRole('button', { name: 'Delete policy' }).waitFor();
    assert.equal(await dialog.getByText('No resource policy is attached').count(), 0, 'an attached policy is shown as it is');
    assert.match(await dialog.getByLabel('Resource policy (JSON)').inputValue(), new RegExp(server.app.accountId));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  test('audit page: newest first, one form of resource, key creation included', async () => {
    const newKey = (await kms.send(new CreateKeyCommand({ Description: 'audited key' }))).KeyMetadata!.KeyId!;
    await sm.send(new GetSecretValueCommand({ SecretId: 'other/cache' })); // by name
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    const rows = page.locator('table.grid tbody tr');
    await rows.filter({ hasText: 'kms:CreateKey' }).first().waitFor();
    const table = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const times = table.map((cells) => cells[0]);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    const resourceOf = (event: string) => table.find((cells) => cells[1] === event)?.[3];
    assert.equal(resourceOf('kms:CreateKey'), `key ${newKey}`, 'key creation names its key');
    assert.equal(resourceOf('secretsmanager:GetSecretValue'), 'secret other/cache', 'a read by name, as the secret name');
    for (const cells of table) assert.match(cells[3], /^$|^(secret|key|alias|user|function) \S+$/, `one form: ${cells.join(' | ')}`);
    // The ARN is there on hover.
    const cell = rows.filter({ hasText: 'kms:CreateKey' }).first().locator('td').nth(3);
    assert.match((await cell.getAttribute('title'))!, new RegExp(`^arn:aws:kms:us-east-1:\\d{12}:key/${newKey}$`));
    await screenshot(page, 'audit-newest-first');
  });

  test('at a phone\'s width (390 px) no page scrolls sideways: wide tables scroll in their own box', async () => {
    const phone = await newPage(browser, problems, undefined, { width: 390, height: 844 });
    try {
      await signIn(phone, server);
      const pages: Array<[string, string]> = [
        ['secrets', '#/secrets'],
        ['secrets-by-key', `#/secrets?key=${keyId}`],
        ['keys', '#/keys'],
        ['audit', '#/audit'],
        ['create', '#/create'],
        ['secret', `#/secrets/${encodeURIComponent(OTHER)}`],
      ];
      for (const [name, hash] of pages) {
        await phone.goto(`${server.endpoint}/${hash}`);
        await phone.locator('main h1').first().waitFor();
        await phone.locator('table.grid tbody tr, form').first().waitFor();
        if (name === 'secret') {
          await phone.getByRole('button', { name: 'Retrieve secret value' }).click();
          await phone.locator('pre.value, table.kv').first().waitFor();
        }
        assert.ok((await pageOverflow(phone)) <= 0, `${name}: the page is ${await pageOverflow(phone)} px wider than the screen`);
        await screenshot(phone, `phone-${name}`);
      }
      // The keys table is wider than the phone: it scrolls inside its box.
      await phone.goto(`${server.endpoint}/#/keys`);
      await phone.locator(`tr[data-key="${keyId}"]`).waitFor();
      const box = await phone.locator('.table-scroll').first().evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
      assert.ok(box.scroll > box.client, 'the keys table is wider than the screen');
      assert.equal(box.overflowX, 'auto');
      assert.ok((await pageOverflow(phone)) <= 0);
    } finally {
      await phone.close();
    }
    assert.deepEqual(problems, []);
  });
});
