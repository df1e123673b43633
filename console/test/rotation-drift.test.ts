// A secret's rotation section shows Coffer's drift check and rolls a rotation back, in headless Chromium, with a
// built-in template rotating a user of a throwaway PostgreSQL cluster that checks passwords.
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
import { eventually, signIn } from './support/session.ts';

const skip = chromiumMissing() ?? scramClusterSkipReason();
const NAME = 'production/drift-db';
const user = `app_${randomBytes(3).toString('hex')}`;
const first = `Pw-${randomBytes(12).toString('base64url')}`;
let server: TestServer;
let sm: SecretsManagerClient;
let cluster: ScramCluster;
let admin: pg.Client;
let browser: Browser;
let page: Page;
const problems: string[] = [];

const setPassword = (password: string) => admin.query(`ALTER ROLE ${pg.escapeIdentifier(user)} PASSWORD ${pg.escapeLiteral(password)}`);
const current = async () => JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString!) as { password: string };

before(async () => {
  if (skip) return;
  buildConsole();
  cluster = await startScramCluster();
  admin = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.admin.username, password: cluster.admin.password, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN PASSWORD ${pg.escapeLiteral(first)}`);
  server = await startTestServer({ logger: { error: () => {} } });
  sm = server.client();
  const fn = await server.app.rotation.functions.create({ accountId: server.app.accountId, region: server.region }, { name: 'pg-single', template: 'SecretsManagerRDSPostgreSQLRotationSingleUser' });
  const value = { engine: 'postgres', host: cluster.host, port: cluster.port, username: user, password: first };
  await sm.send(new CreateSecretCommand({ Name: NAME, SecretString: JSON.stringify(value) }));
  await sm.send(new RotateSecretCommand({ SecretId: NAME, RotationLambdaARN: fn.FunctionArn, RotationRules: { AutomaticallyAfterDays: 30 } }));
  await server.app.rotation.settled();
  const res = await rawRequest(server.endpoint, JSON.stringify({ SecretId: NAME, Interval: '15m' }), { credentials: server.credentials, target: 'CofferAdmin.PutRotationDriftCheck', service: 'coffer' });
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

describe('console: drift status and rollback in the rotation section', { skip }, () => {
  test('a password changed behind Coffer\'s back shows as drifted after "Check drift now"; "Roll back rotation" puts the old password back', async () => {
    await setPassword(`Pw-${randomBytes(12).toString('base64url')}`);
    await signIn(page, server);
    await page.goto(`${server.endpoint}/#/secrets/${encodeURIComponent(NAME)}`);
    const section = page.getByRole('region', { name: 'Rotation configuration' });
    await section.getByText('Every 15 minutes').waitFor();
    await section.getByRole('button', { name: 'Check drift now' }).click();
    await section.getByText('Drifted: AWSCURRENT does not log in').waitFor();
    await screenshot(page, 'rotation-drift');

    // Put the database right, then roll the rotation back: the first password is AWSCURRENT and logs in again.
    const rotated = await current();
    await setPassword(rotated.password);
    await section.getByRole('button', { name: 'Roll back rotation' }).click();
    await page.getByRole('dialog', { name: 'Roll back rotation' }).getByRole('button', { name: 'Roll back' }).click();
    await section.getByText(/Rolled back: version .* is AWSCURRENT again\./).waitFor();
    await eventually(async () => assert.equal((await current()).password, first));
    const login = new pg.Client({ host: cluster.host, port: cluster.port, user, password: first, database: 'postgres' });
    await login.connect();
    await login.end();
    await section.getByRole('button', { name: 'Check drift now' }).click();
    await section.getByText('AWSCURRENT logs in', { exact: true }).waitFor();
    assert.deepEqual(problems, []);
  });
});
