// The product spec's console procedures, walked in headless Chromium against a real Coffer server that
// serves the built console; every result is checked through the API with the SDK.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand, type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
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
const problems: string[] = [];
const NAME = 'production/MyAwesomeAppSecret';

before(async () => {
  if (skip) return;
  buildConsole();
  server = await startTestServer();
  sm = server.client();
  kms = server.kmsClient();
  await sm.send(new CreateSecretCommand({ Name: NAME, Description: 'The app database', SecretString: JSON.stringify({ username: 'anika', password: 'EXAMPLE-PASSWORD' }), Tags: [{ Key: 'team', Value: 'payments' }] }));
  for (let i = 0; i < 12; i++) await sm.send(new CreateSecretCommand({ Name: `test/app-${String(i).padStart(2, '0')}`, SecretString: `value-${i}` }));
  browser = await launch();
  page = await newPage(browser, problems);
});
after(async () => {
  await browser?.close();
  kms?.destroy();
  await server?.close();
});

describe('console: secrets', { skip }, () => {
  test('the console is served at / with a strict CSP, no-cache index and immutable assets; the API and /_coffer/ still answer', async () => {
    const index = await fetch(server.endpoint + '/');
    assert.equal(index.status, 200);
    const csp = index.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /unsafe/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    assert.equal((await fetch(server.endpoint + asset)).headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await fetch(server.endpoint + '/_coffer/health')).status, 200);
  });

  test('sign in: the principal and region are shown, the key pair is in session storage only', async () => {
    await signIn(page, server);
    await page.getByText(`Signed in as account root (access key ${server.credentials.accessKeyId})`).waitFor();
    const stored = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }));
    assert.deepEqual(stored, { session: ['coffer.session'], local: [] });
  });

  test('the list: search with the ListSecrets filters, pagination, sort', async () => {
    await page.getByRole('link', { name: NAME }).waitFor();
    await page.getByLabel('Per page').selectOption('10');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    // The page label can change a moment before the rows do.
    await eventually(async () => assert.equal(await page.locator('table.grid tbody tr').count(), 3));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByLabel('Sort').selectOption('asc');
    await page.locator('table.grid tbody tr').first().getByRole('link', { name: NAME }).waitFor();
    await page.getByLabel('Search secrets').fill('production');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Page 1').waitFor();
    await eventually(async () => assert.equal(await page.locator('table.grid tbody tr').count(), 1));
    await page.getByRole('row', { name: /The app database/ }).getByText('team=payments').waitFor();
    await page.getByLabel('Filter by').selectOption('tag-value');
    await page.getByLabel('Search secrets').fill('!payments');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'test/app-00' }).waitFor();
    assert.equal(await page.getByRole('link', { name: NAME }).count(), 0);
    await page.getByLabel('Filter by').selectOption('all');
    await page.getByLabel('Search secrets').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByLabel('Sort').selectOption('desc');
    await page.getByLabel('Per page').selectOption('25');
    await page.getByRole('link', { name: NAME }).waitFor();
    await screenshot(page, 'secrets-list', 'secrets-list');
  });

  test('retrieve the value (only on demand), edit it and save: a new version, AWSCURRENT moves, AWSPREVIOUS keeps the old one', async () => {
    const requests: string[] = [];
    page.on('request', (r) => { const t = r.headers()['x-amz-target']; if (t) requests.push(t); });
    await openSecret(page, NAME);
    await page.getByText('The app database').waitFor();
    assert.ok(!requests.includes('secretsmanager.GetSecretValue'), 'the value is not fetched before it is asked for');
    await screenshot(page, 'secret-detail', 'secret-detail');
    await page.getByRole('button', { name: 'Retrieve secret value' }).click();
    await page.getByRole('cell', { name: 'EXAMPLE-PASSWORD' }).waitFor();
    await page.getByRole('tab', { name: 'Plaintext' }).click();
    await page.getByText('{"username":"anika","password":"EXAMPLE-PASSWORD"}').waitFor();
    await page.getByRole('tab', { name: 'Key/value' }).click();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Value 2').fill('a different password');
    await page.getByRole('button', { name: 'Add row' }).click();
    await page.getByLabel('Key 3').fill('host');
    await page.getByLabel('Value 3').fill('db.example.com');
    await screenshot(page, 'secret-edit', 'secret-edit');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved as version .*AWSCURRENT moved to it/).waitFor();
    const current = await sm.send(new GetSecretValueCommand({ SecretId: NAME }));
    assert.deepEqual(JSON.parse(current.SecretString!), { username: 'anika', password: 'a different password', host: 'db.example.com' });
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: NAME, VersionStage: 'AWSPREVIOUS' }));
    assert.deepEqual(JSON.parse(previous.SecretString!), { username: 'anika', password: 'EXAMPLE-PASSWORD' });
    // the versions table shows the labels where they moved
    const row = page.locator(`tr[data-version="${current.VersionId}"]`);
    await row.getByText('AWSCURRENT').waitFor();
    await page.locator(`tr[data-version="${previous.VersionId}"]`).getByText('AWSPREVIOUS').waitFor();
  });

  test('a failed save shows the API message next to Save and keeps the edit', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('tab', { name: 'Plaintext' }).click();
    await page.getByLabel('Plaintext value').fill('x'.repeat(65537));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.actions [role=alert]').getByText(/ValidationException|InvalidParameterException/).waitFor();
    assert.equal((await page.getByLabel('Plaintext value').inputValue()).length, 65537, 'the edit stays in the form');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  test('edit the description', async () => {
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Edit description' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit description' });
    assert.equal(await dialog.getByLabel('Description').evaluate((el) => el === document.activeElement), true, 'focus moves into the dialog');
    await dialog.getByLabel('Description').fill('The app database, production');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The app database, production').waitFor();
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: NAME }))).Description, 'The app database, production');
    assert.equal(await page.getByRole('button', { name: 'Actions' }).evaluate((el) => el === document.activeElement), true, 'focus returns to Actions');
  });

  test('change the encryption key: the dialog says what Coffer does, and it does it: the labelled versions move under the new key', async () => {
    const key = await kms.send(new CreateKeyCommand({ Description: 'app key' }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: key.KeyMetadata!.KeyId }));
    await page.reload();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Edit encryption key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit encryption key' });
    const note = dialog.getByRole('note');
    await note.getByText(/the versions labelled AWSCURRENT, AWSPREVIOUS and AWSPENDING are moved under it at once/).waitFor();
    await note.getByText(/Versions without a label stay under the old key/).waitFor();
    const labelled = async () => ((await sm.send(new ListSecretVersionIdsCommand({ SecretId: NAME }))).Versions ?? []).filter((v) => v.VersionStages?.length);
    assert.ok((await labelled()).length >= 2, 'AWSCURRENT and AWSPREVIOUS');
    await dialog.getByLabel('Encryption key').selectOption('alias/app');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('definition').filter({ hasText: 'alias/app' }).waitFor();
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: NAME }))).KmsKeyId, 'alias/app');
    for (const v of await labelled()) assert.deepEqual(v.KmsKeyIds, [key.KeyMetadata!.Arn], `${v.VersionStages} is under the new key`);
    // Keyboard: Escape closes a dialog.
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Edit description' }).click();
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('dialog').count(), 0);
  });

  test('tags: add, replace and remove; a duplicate key is explained inline', async () => {
    await page.getByRole('button', { name: 'Edit tags' }).click();
    await page.getByLabel('Tag value 1').fill('billing');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag key 2').fill('team');
    await page.getByText('Only one tag can have the key team').waitFor();
    await page.getByLabel('Tag key 2').fill('Team');
    assert.equal(await page.getByText('Only one tag can have the key').count(), 0, 'keys are case sensitive');
    await page.getByLabel('Tag key 2').fill('env');
    await page.getByLabel('Tag value 2').fill('prod');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag key 3').fill('owner');
    await page.getByLabel('Tag value 3').fill('anika');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await page.getByRole('button', { name: 'Edit tags' }).waitFor();
    let tags = (await sm.send(new DescribeSecretCommand({ SecretId: NAME }))).Tags!;
    assert.deepEqual(Object.fromEntries(tags.map((t) => [t.Key, t.Value])), { team: 'billing', env: 'prod', owner: 'anika' });
    await page.getByRole('button', { name: 'Edit tags' }).click();
    await page.getByRole('button', { name: 'Remove tag 1' }).click();
    await page.getByRole('button', { name: 'Save tags' }).click();
    await page.getByRole('button', { name: 'Edit tags' }).waitFor();
    tags = (await sm.send(new DescribeSecretCommand({ SecretId: NAME }))).Tags!;
    assert.deepEqual(Object.fromEntries(tags.map((t) => [t.Key, t.Value])), { env: 'prod', owner: 'anika' });
  });

  test('move a staging label in the versions table', async () => {
    const versions = (await sm.send(new ListSecretVersionIdsCommand({ SecretId: NAME }))).Versions!;
    const previous = versions.find((v) => v.VersionStages?.includes('AWSPREVIOUS'))!.VersionId!;
    await page.getByRole('button', { name: `Move a label to version ${previous}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Move staging label' });
    await dialog.getByLabel('Staging label').selectOption('AWSCURRENT');
    await dialog.getByRole('button', { name: 'Move label' }).click();
    await page.locator(`tr[data-version="${previous}"]`).getByText('AWSCURRENT').waitFor();
    assert.deepEqual(JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString!), { username: 'anika', password: 'EXAMPLE-PASSWORD' });
    await sm.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: JSON.stringify({ username: 'anika', password: 'restored' }) }));
  });

  test('delete with a recovery window, then cancel deletion', async () => {
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Delete secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule secret deletion' });
    await dialog.getByLabel('Waiting period').fill('7');
    await dialog.getByRole('button', { name: 'Schedule deletion' }).click();
    await page.getByText(/scheduled for deletion on/).waitFor();
    const deleted = await sm.send(new DescribeSecretCommand({ SecretId: NAME }));
    assert.ok(deleted.DeletedDate);
    assert.ok(Math.abs(deleted.DeletedDate!.getTime() - Date.now() - 7 * 86_400_000) < 120_000);
    // the list hides it unless asked
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Secrets', exact: true }).click();
    await page.getByRole('link', { name: 'test/app-00' }).waitFor();
    assert.equal(await page.getByRole('link', { name: NAME }).count(), 0);
    await page.getByLabel('Include secrets scheduled for deletion').check();
    await page.getByRole('link', { name: NAME }).click();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Cancel deletion' }).click();
    await eventually(async () => assert.equal(await page.getByText(/scheduled for deletion on/).count(), 0));
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: NAME }))).DeletedDate, undefined);
  });

  test('no page errors, no CSP violations, and no secret value in any storage', async () => {
    const storage = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    assert.doesNotMatch(storage, /EXAMPLE-PASSWORD|different password|restored/);
    assert.deepEqual(problems, []);
  });

  test('sign out clears the session', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  });
});
