// Create a secret, resource permissions with ValidateResourcePolicy, rotation (configure, rotate now),
// the keys page and the audit page, in headless Chromium; results checked through the API.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DescribeSecretCommand, GetResourcePolicyCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeKeyCommand, type KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { startTestFunction, type TestFunction } from '../../server/test/rotation/http-function.ts';
import { buildConsole, chromiumMissing, launch, newPage, screenshot } from './support/browser.ts';
import { eventually, signIn } from './support/session.ts';

const skip = chromiumMissing();
let server: TestServer;
let sm: SecretsManagerClient;
let kms: KMSClient;
let fn: TestFunction;
let fnArn: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const NAME = 'production/OrdersDatabase';

before(async () => {
  if (skip) return;
  buildConsole();
  server = await startTestServer();
  sm = server.client();
  kms = server.kmsClient();
  fn = await startTestFunction(sm, 'initial-password', Date.now);
  const created = await server.app.rotation.functions.create({ accountId: server.app.accountId, region: server.region }, { name: 'orders-rotator', url: fn.url });
  fnArn = created.FunctionArn;
  fn.setSigningKey(created.SigningKey!);
  browser = await launch();
  page = await newPage(browser, problems);
});
after(async () => {
  await browser?.close();
  await fn?.close();
  kms?.destroy();
  await server?.close();
});

describe('console: create, permissions, rotation, keys, audit', { skip }, () => {
  test('store a new secret with key/value pairs, a description and tags', async () => {
    await signIn(page, server);
    await page.getByRole('link', { name: 'Store a new secret' }).click();
    await page.getByLabel('Key 1').fill('username');
    await page.getByLabel('Value 1').fill('app');
    await page.getByRole('button', { name: 'Add row' }).click();
    await page.getByLabel('Key 2').fill('password');
    await page.getByLabel('Value 2').fill('initial-password');
    await page.getByLabel('Secret name').fill(NAME);
    await page.getByLabel('Description', { exact: true }).fill('Orders DB');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag key 1').fill('team');
    await page.getByLabel('Tag value 1').fill('orders');
    await screenshot(page, 'create-secret');
    await page.getByRole('button', { name: 'Store' }).click();
    await page.getByRole('heading', { name: NAME, level: 1 }).waitFor();
    const value = await sm.send(new GetSecretValueCommand({ SecretId: NAME }));
    assert.deepEqual(JSON.parse(value.SecretString!), { username: 'app', password: 'initial-password' });
    const meta = await sm.send(new DescribeSecretCommand({ SecretId: NAME }));
    assert.equal(meta.Description, 'Orders DB');
    assert.deepEqual(meta.Tags, [{ Key: 'team', Value: 'orders' }]);
  });

  test('creating a name that exists shows the API message beside Store and keeps the form', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Secrets' }).click();
    await page.getByRole('link', { name: 'Store a new secret' }).click();
    await page.getByRole('radio', { name: 'Plaintext' }).check();
    await page.getByLabel('Plaintext value').fill('hello');
    await page.getByLabel('Secret name').fill(NAME);
    await page.getByRole('button', { name: 'Store' }).click();
    await page.getByRole('alert').getByText(`ResourceExistsException: The operation failed because the secret ${NAME} already exists.`).waitFor();
    assert.equal(await page.getByLabel('Plaintext value').inputValue(), 'hello');
    assert.equal(await page.getByLabel('Secret name').inputValue(), NAME);
  });

  test('store a binary secret from a file', async () => {
    await page.getByRole('radio', { name: 'Binary file' }).check();
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'cert.der', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2, 254, 255]) });
    await page.getByLabel('Secret name').fill('production/cert');
    await page.getByRole('button', { name: 'Store' }).click();
    await page.getByRole('heading', { name: 'production/cert', level: 1 }).waitFor();
    const value = await sm.send(new GetSecretValueCommand({ SecretId: 'production/cert' }));
    assert.deepEqual([...value.SecretBinary!], [0, 1, 2, 254, 255]);
    await page.getByRole('button', { name: 'Retrieve secret value' }).click();
    await page.getByText('(binary, base64) AAEC/v8=').waitFor();
  });

  test('edit resource permissions: ValidateResourcePolicy feedback, then save', async () => {
    await page.goto(`${server.endpoint}/#/secrets/${encodeURIComponent(NAME)}`);
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('button', { name: 'Edit resource permissions' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit resource permissions' });
    const editor = dialog.getByLabel('Resource policy (JSON)');
    await editor.fill('{"Statement": [');
    await dialog.getByText(/The policy is not valid JSON/).first().waitFor();
    const publicPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
    await editor.fill(JSON.stringify(publicPolicy));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').waitFor();
    const account = server.app.accountId;
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
    await editor.fill(JSON.stringify(policy, null, 2));
    await dialog.getByRole('button', { name: 'Validate policy' }).click();
    await dialog.getByText('Policy validation passed.').waitFor();
    await screenshot(page, 'resource-policy');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => assert.equal(await page.getByRole('dialog').count(), 0));
    const stored = await sm.send(new GetResourcePolicyCommand({ SecretId: NAME }));
    assert.deepEqual(JSON.parse(stored.ResourcePolicy!), policy);
  });

  test('configure rotation (function, schedule with a preview, rotate immediately), then rotate now', async () => {
    await page.getByRole('button', { name: 'Edit rotation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit rotation configuration' });
    await dialog.getByLabel('Rotation function ARN').fill(fnArn);
    await dialog.getByLabel('Days between rotations').fill('15');
    await dialog.getByText(/Next rotations \(UTC, window start\)/).waitFor();
    await dialog.getByRole('radio', { name: 'Schedule expression' }).check();
    await dialog.getByLabel(/Schedule expression \(rate or cron/).fill('cron(0 10 * * * *)');
    await dialog.getByText('Use ? in exactly one of day-of-month and day-of-week.').waitFor();
    await dialog.getByLabel(/Schedule expression \(rate or cron/).fill('cron(0 10 ? * 6#3 *)');
    await dialog.getByText(/Next rotations \(UTC, window start\): \d{4}-\d\d-\d\d 10:00/).waitFor();
    await dialog.getByLabel(/Schedule expression \(rate or cron/).fill('rate(10 days)');
    await dialog.getByLabel(/Window duration/).fill('4h');
    await screenshot(page, 'rotation');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => assert.equal(await page.getByRole('dialog').count(), 0));
    await server.app.rotation.settled();
    const meta = await eventually(async () => {
      const m = await sm.send(new DescribeSecretCommand({ SecretId: NAME }));
      assert.ok(m.LastRotatedDate);
      return m;
    });
    assert.equal(meta.RotationEnabled, true);
    assert.equal(meta.RotationLambdaARN, fnArn);
    assert.deepEqual(meta.RotationRules, { ScheduleExpression: 'rate(10 days)', Duration: '4h' });
    const rotated = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString!);
    assert.notEqual(rotated.password, 'initial-password');
    assert.equal(rotated.password, fn.database.password);
    await page.reload();
    await page.getByText('rate(10 days), window 4h').waitFor();
    await page.getByRole('button', { name: 'Rotate secret immediately' }).click();
    await page.getByText(/Rotation started: version/).waitFor();
    await server.app.rotation.settled();
    await eventually(async () => {
      const again = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString!);
      assert.notEqual(again.password, rotated.password);
    });
  });

  test('keys page: create a key, add an alias, disable and enable it, schedule and cancel deletion; how many secrets each key protects', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('heading', { name: 'Encryption keys' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'alias/aws/secretsmanager' }).getByRole('link', { name: '2 secrets' }).waitFor(); // NAME and production/cert
    await page.getByRole('button', { name: 'Create key' }).click();
    let dialog = page.getByRole('dialog', { name: 'Create key' });
    await dialog.getByLabel('Description').fill('orders key');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const row = page.getByRole('row').filter({ hasText: 'orders key' });
    await row.waitFor();
    const keyId = (await row.getAttribute('data-key'))!;
    await row.getByRole('button', { name: 'Add alias' }).click();
    dialog = page.getByRole('dialog', { name: 'Add alias' });
    await dialog.getByLabel(/Alias name/).fill('alias/orders');
    await dialog.getByRole('button', { name: 'Add alias' }).click();
    await row.getByText('alias/orders').waitFor();
    const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases!;
    assert.equal(aliases.find((a) => a.AliasName === 'alias/orders')?.TargetKeyId, keyId);
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('Disabled').waitFor();
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Disabled');
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('Enabled').waitFor();
    await row.getByRole('button', { name: 'Schedule deletion' }).click();
    dialog = page.getByRole('dialog', { name: 'Schedule key deletion' });
    await dialog.getByLabel(/Waiting period/).fill('3');
    await dialog.getByRole('button', { name: 'Schedule deletion' }).click();
    await dialog.getByRole('alert').waitFor(); // 3 days is below KMS's minimum: the API's message, in the dialog
    await dialog.getByLabel(/Waiting period/).fill('7');
    await dialog.getByRole('button', { name: 'Schedule deletion' }).click();
    await row.getByText(/PendingDeletion/).waitFor();
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingDeletion');
    await screenshot(page, 'keys', 'keys');
    await row.getByRole('button', { name: 'Cancel deletion' }).click();
    await row.getByRole('button', { name: 'Schedule deletion' }).waitFor();
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Disabled');
  });

  test('audit page: recent events, filtered by event name', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    // Newest first: the keys page's last change is on the first page.
    await page.getByRole('cell', { name: 'kms:CancelKeyDeletion' }).first().waitFor();
    await page.getByLabel('Event name').fill('PutResourcePolicy');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(async () => assert.equal(await page.getByRole('cell', { name: 'kms:CancelKeyDeletion' }).count(), 0));
    await page.getByRole('cell', { name: 'secretsmanager:PutResourcePolicy' }).first().waitFor();
    await screenshot(page, 'audit', 'audit');
    assert.deepEqual(problems, []);
  });
});
