// Dev mode (in-memory, any credentials, account 000000000000, POST /_coffer/reset) against a normal
// server, where reset is refused. This file needs both kinds of server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleDistDir } from '../../src/paths.ts';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { listAll, scopeState } from './helpers.ts';

let dev: TestServer;
let normal: TestServer;

before(async () => {
  [dev, normal] = await Promise.all([startTestServer({ dev: true }), startTestServer()]);
});
after(async () => {
  await Promise.all([dev.close(), normal.close()]);
});

describe('dev mode', () => {
  it('accepts any credentials and puts account 000000000000 in ARNs', async () => {
    const a = dev.client({ credentials: { accessKeyId: 'anything', secretAccessKey: 'whatever' } });
    const b = dev.client({ credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'other' } });
    const created = await a.send(new CreateSecretCommand({ Name: 'dev-secret', SecretString: 'dev-value' }));
    assert.match(created.ARN!, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:dev-secret-[A-Za-z0-9]{6}$/);
    assert.equal((await b.send(new GetSecretValueCommand({ SecretId: created.ARN }))).SecretString, 'dev-value');
  });

  it('answers GET /_coffer/health', async () => {
    const res = await fetch(`${dev.endpoint}/_coffer/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.equal(body.dev, true);
  });

  it('empties every scope on POST /_coffer/reset, and keeps working afterwards', async () => {
    const sm = dev.client();
    const eu = dev.client({ region: 'eu-west-1' });
    await sm.send(new CreateSecretCommand({ Name: 'before-reset', SecretString: 'x' }));
    await eu.send(new CreateSecretCommand({ Name: 'before-reset', SecretString: 'y' }));
    assert.ok((await listAll(sm)).length >= 1);
    const res = await fetch(`${dev.endpoint}/_coffer/reset`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual((await listAll(sm, { IncludePlannedDeletion: true })).length, 0);
    assert.deepEqual((await listAll(eu, { IncludePlannedDeletion: true })).length, 0);
    await sm.send(new CreateSecretCommand({ Name: 'before-reset', SecretString: 'again' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'before-reset' }))).SecretString, 'again');
  });
});

describe('a server without --dev', () => {
  it('refuses POST /_coffer/reset and keeps its data', async () => {
    const sm = normal.client();
    await sm.send(new CreateSecretCommand({ Name: 'kept', SecretString: 'x' }));
    const state = await scopeState(sm);
    const res = await fetch(`${normal.endpoint}/_coffer/reset`, { method: 'POST' });
    assert.equal(res.status, 403);
    assert.deepEqual(await scopeState(sm), state);
  });

  it('refuses unknown credentials where dev mode accepts them', async () => {
    const client = new SecretsManagerClient({
      endpoint: normal.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'anything', secretAccessKey: 'whatever' },
      maxAttempts: 1,
    });
    await assert.rejects(client.send(new ListSecretsCommand({})), { name: 'UnrecognizedClientException' });
    client.destroy();
    assert.notEqual(normal.app.accountId, '000000000000');
  });

  it('answers GET /_coffer/health, 404 for other /_coffer paths, and the console (or why it is missing) at /', async () => {
    const health = await fetch(`${normal.endpoint}/_coffer/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as Record<string, unknown>).dev, false);
    assert.equal((await fetch(`${normal.endpoint}/_coffer/nothing`)).status, 404);
    const page = await fetch(`${normal.endpoint}/`);
    if (existsSync(join(consoleDistDir(), 'index.html'))) {
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    } else {
      assert.equal(page.status, 404);
      assert.match(await page.text(), /console is not built/);
    }
  });
});
