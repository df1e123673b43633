// The console signed in as an IAM user: it shows the user, does what the user's policy allows, and shows
// the API's AccessDeniedException beside the control for what it forbids, keeping the user's input.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { allow, startAccessServer, type AccessServer, type Credentials } from '../../server/test/access/helpers.ts';
import { buildConsole, chromiumMissing, launch, newPage } from './support/browser.ts';
import { eventually, openSecret, signIn } from './support/session.ts';

const skip = chromiumMissing();
let access: AccessServer;
let reader: Credentials;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const logs: string[] = [];
const NAME = 'team/reporting-db';

before(async () => {
  if (skip) return;
  buildConsole();
  access = await startAccessServer();
  await access.sm(access.root).send(new CreateSecretCommand({ Name: NAME, Description: 'Reporting', SecretString: '{"user":"rep","password":"READER-CAN-SEE"}' }));
  reader = await access.user('reader', {
    read: allow(['secretsmanager:ListSecrets', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:ListSecretVersionIds', 'iam:GetUser']),
  });
  browser = await launch();
  page = await newPage(browser, problems, logs, { width: 1280, height: 800 });
});
after(async () => {
  await browser?.close();
  await access?.close();
});

describe('console: a user with a read-only policy', { skip }, () => {
  test('a wrong secret key, or an unknown access key id, is "not accepted", not a signature-mismatch text', async () => {
    await page.goto(access.server.endpoint + '/');
    const refused = page.getByRole('alert').getByText('The key pair was not accepted: check the access key ID and the secret access key.', { exact: true });
    for (const [id, secret] of [[reader.accessKeyId, 'wrong' + reader.secretAccessKey.slice(5)], ['AKIAUNKNOWNKEY000000', reader.secretAccessKey]]) {
      await page.getByLabel('Access key ID').fill(id);
      await page.getByLabel('Secret access key').fill(secret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await refused.waitFor();
      assert.equal(await page.getByText(/signature we calculated|security token/i).count(), 0, 'no raw signature text');
      await page.getByLabel('Access key ID').fill('');
      await eventually(async () => assert.equal(await page.getByRole('button', { name: 'Sign in' }).isEnabled(), true));
    }
  });

  test('signs in as the user and reads the value', async () => {
    await signIn(page, access.server, reader);
    await page.getByText(`Signed in as arn:aws:iam::${access.accountId}:user/reader`).waitFor();
    await openSecret(page, NAME);
    await page.getByRole('button', { name: 'Retrieve secret value' }).click();
    await page.getByRole('cell', { name: 'READER-CAN-SEE' }).waitFor();
  });

  test('what the policy forbids fails with AccessDeniedException beside the control, and the input stays', async () => {
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Edit description' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit description' });
    await dialog.getByLabel('Description').fill('Reporting, changed by a reader');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').getByText(/AccessDeniedException: .*reader is not authorized to perform: secretsmanager:UpdateSecret/).waitFor();
    assert.equal(await dialog.getByLabel('Description').inputValue(), 'Reporting, changed by a reader');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await access.sm(access.root).send(new DescribeSecretCommand({ SecretId: NAME }))).Description, 'Reporting');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('alert').getByText(/AccessDeniedException: .*cloudtrail:LookupEvents/).waitFor();
  });

  test('no secret value reached the browser console or any storage', async () => {
    assert.ok(!logs.some((l) => l.includes('READER-CAN-SEE')), 'not in the console');
    const storage = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    assert.doesNotMatch(storage, /READER-CAN-SEE/);
    assert.deepEqual(problems, []);
  });
});
