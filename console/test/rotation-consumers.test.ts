// A secret's rotation section lists who reads its versions and shows consumer-aware retirement, in headless
// Chromium, with the MultiUser (alternating users) template rotating a user of a throwaway PostgreSQL cluster
// that checks passwords: a reader of AWSPREVIOUS is listed, and "Rotate secret immediately" is refused naming it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import pg from 'pg';
import { CreateSecretCommand, GetSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { scramClusterSkipReason, startScramCluster, type ScramCluster } from '../../server/test/support/scram-postgres.ts';
import { rawRequest } from '../../server/test/api/helpers.ts';
import { buildConsole, chromiumMissing, launch, newPage, screenshot } from './support/browser.ts';
import { signIn } from './support/session.ts';

const skip = chromiumMissing() ?? scramClusterSkipReason();
const NAME = 'production/consumers-db';
const user = `app_${randomBytes(3).toString('hex')}`;
const first = `Pw-${randomBytes(12).toString('base64url')}`;
let server: TestServer;
let sm: SecretsManagerClient;
let cluster: ScramCluster;
let admin: pg.Client;
let browser: Browser;
let page: Page;
let previousVersion = '';
const problems: string[] = [];

async function canLogin(password: string): Promise<boolean> {
  const c = new pg.Client({ host: cluster.host, port: cluster.port, user, password, database: 'postgres' });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

before(async () => {
  if (skip) return;
  buildConsole();
  cluster = await startScramCluster();
  admin = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.admin.username, password: cluster.admin.password, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN PASSWORD ${pg.escapeLiteral(first)}`);
  server = await startTestServer({ logger: { error: () => {} } });
  sm = server.client();
  const fn = await server.app.rotation.functions.create({ accountId: server.app.accountId, region: server.region }, { name: 'pg-multi', template: 'SecretsManagerRDSPostgreSQLRotationMultiUser' });
  const base = { engine: 'postgres', host: cluster.host, port: cluster.port };
  const masterarn = (await sm.send(new CreateSecretCommand({ Name: 'production/consumers-master', SecretString: JSON.stringify({ ...base, ...cluster.admin }) }))).ARN!;
  await sm.send(new CreateSecretCommand({ Name: NAME, SecretString: JSON.stringify({ ...base, username: user, password: first, masterarn }) }));
  await sm.send(new RotateSecretCommand({ SecretId: NAME, RotationLambdaARN: fn.FunctionArn, RotationRules: { AutomaticallyAfterDays: 30 } }));
  await server.app.rotation.settled();
  // the consumer still on the original user
  previousVersion = (await sm.send(new GetSecretValueCommand({ SecretId: NAME, VersionStage: 'AWSPREVIOUS' }))).VersionId!;
  const res = await rawRequest(server.endpoint, JSON.stringify({ SecretId: NAME, RetireAfterIdle: '1h' }), { credentials: server.credentials, target: 'CofferAdmin.PutRotationRetirement', service: 'coffer' });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  browser = await launch();
  page = await newPage(browser, problems);
});
after(async () => {
  await browser?.close();
  await server?.close();
  await admin?.end().catch(() => {});
  await cluster?.stop();
});

describe('console: consumers and retirement in the rotation section', { skip }, () => {
  test('the reader of AWSPREVIOUS is listed against its version; rotating now is refused with its name, the old password untouched', async () => {
    await signIn(page, server);
    await page.goto(`${server.endpoint}/#/secrets/${encodeURIComponent(NAME)}`);
    const section = page.getByRole('region', { name: 'Rotation configuration' });
    await section.getByText('1 hour', { exact: true }).waitFor();
    const table = section.getByRole('table', { name: 'Consumers' });
    const row = table.getByRole('row').filter({ hasText: previousVersion });
    await row.getByText('AWSPREVIOUS', { exact: true }).first().waitFor();
    await row.getByText(`arn:aws:iam::${server.app.accountId}:root`).waitFor();
    await screenshot(page, 'rotation-consumers');

    await section.getByRole('button', { name: 'Rotate secret immediately' }).click();
    await section.getByText(/Held: AWSPREVIOUS \(version .*\) was read within the last 1h by arn:aws:iam::\d+:root/).waitFor();
    assert.equal(await canLogin(first), true, 'the AWSPREVIOUS user keeps its password');
    assert.deepEqual(problems, []);
  });
});
