// Strict SigV4 at the wire, through raw HTTP (no SDK). Each row signs a request with @smithy/signature-v4,
// breaks it one way (an unsigned X-Amz-Target that re-targets it, a second Authorization, a session token
// on a long-term key, a stale date, a changed body...), and checks the AWS error type, its message, that the
// store is exactly as before, and that the audit trail holds the refusal. Its positive control, the same
// request signed correctly, then succeeds. On both stores.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { allEvents } from '../../src/audit/audit-store.ts';
import { readStored } from '../../src/audit/stored-event.ts';
import { allow, BACKENDS, expectAwsError, startAccessServer, type AccessServer } from '../access/helpers.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { assertRawError, scopeState } from './helpers.ts';
import { sendWire, setHeader, signWire, type SignSpec } from './raw-sigv4.ts';
import { BAD_TOKEN, MINUTE, rows, signatureOf, templates, type Template, type UserKeys } from './sigv4-broken-requests.ts';

for (const backend of BACKENDS) describe(`strict SigV4 over raw HTTP (${backend.name})`, { skip: backend.skip }, () => {
  let t: AccessServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let sm: SecretsManagerClient;
  let keys: UserKeys;
  const refusals: Array<{ name: string; requestId: string | null; type: string }> = [];

  before(async () => {
    database = backend.name === 'postgres' ? await createTestDatabase() : undefined;
    t = await startAccessServer({ databaseUrl: database?.url });
    sm = t.sm(t.root);
    await sm.send(new CreateSecretCommand({ Name: 'target', SecretString: 'value-first' }));
    const everything = { p: allow('secretsmanager:*') };
    keys = {
      active: await t.user('active-user', everything),
      inactive: await t.user('inactive-user', everything),
      deleted: await t.user('deleted-user', everything),
    };
    // Each key works before it is deactivated or deleted.
    for (const credentials of [keys.inactive, keys.deleted]) await t.sm(credentials).send(new GetSecretValueCommand({ SecretId: 'target' }));
    await t.admin('UpdateAccessKey', { UserName: 'inactive-user', AccessKeyId: keys.inactive.accessKeyId, Status: 'Inactive' });
    await t.admin('DeleteAccessKey', { UserName: 'deleted-user', AccessKeyId: keys.deleted.accessKeyId });
    await t.admin('DeleteUserPolicy', { UserName: 'deleted-user', PolicyName: 'p' });
    await t.admin('DeleteUser', { UserName: 'deleted-user' });
  });
  after(async () => {
    await t.close();
    await database?.drop();
  });

  const specFor = (template: Template, body: string): SignSpec => ({
    endpoint: t.server.endpoint,
    credentials: t.root,
    region: 'us-east-1',
    service: 'secretsmanager',
    signingDate: new Date(),
    target: template.target,
    body,
  });

  it(`refuses ${rows.length} broken requests with AWS's error, changing nothing; each request signed correctly succeeds`, async () => {
    assert.ok(rows.length >= 40);
    for (const row of rows) {
      const template = templates[row.template ?? 'put'];
      const body = template.body();
      const spec = specFor(template, body);
      const before = await scopeState(sm);
      const wire = await signWire(row.spec ? row.spec(spec, keys) : spec);
      const res = await sendWire(t.server.endpoint, row.wire ? await row.wire(wire, spec) : wire);
      assertRawError(res, row.type, row.message);
      assert.ok(!res.text.includes(signatureOf(wire)), `${row.name}: the signature is echoed`);
      assert.deepEqual(await scopeState(sm), before, `${row.name}: the store changed`);
      if (row.audited !== false) refusals.push({ name: row.name, requestId: res.headers.get('x-amzn-requestid'), type: row.type });

      const control = await sendWire(t.server.endpoint, await signWire(spec));
      assert.equal(control.status, 200, `${row.name}, signed correctly: ${control.text}`);
      template.succeeded(control, body);
    }
  });

  it('serves what real clients send: unsigned User-Agent and X-Amzn-Trace-Id, a signed X-Amz-User-Agent, a date 14 minutes old', async () => {
    const spec = specFor(templates.get, templates.get.body());
    const sdkLike = await signWire({ ...spec, headers: { 'x-amz-user-agent': 'aws-sdk-js/3', 'amz-sdk-request': 'attempt=1; max=3' } });
    const extras = setHeader(setHeader(sdkLike, 'user-agent', 'aws-cli/2'), 'x-amzn-trace-id', 'Root=1-00000000-000000000000000000000000');
    for (const wire of [extras, await signWire({ ...spec, signingDate: new Date(Date.now() - 14 * MINUTE) })]) {
      const res = await sendWire(t.server.endpoint, wire);
      assert.equal(res.status, 200, res.text);
      templates.get.succeeded(res, spec.body);
    }
  });

  it('records every refusal that named an operation in the audit trail, with its error', async () => {
    await t.server.app.audit.flush();
    const errorByRequest = new Map<string, string | undefined>();
    for await (const row of allEvents(t.server.app.store.db)) {
      const { event } = readStored(row);
      errorByRequest.set(event.requestID, event.errorCode);
    }
    assert.ok(refusals.length >= 40);
    for (const refusal of refusals) assert.equal(errorByRequest.get(refusal.requestId!), refusal.type, refusal.name);
  });

  it('stops a key set Inactive or deleted through another server on the same store at its next request', async () => {
    const other: TestServer = await startTestServer({ dataDir: t.server.dataDir, databaseUrl: database?.url });
    try {
      const credentials = await t.user('moving-user', { p: allow('secretsmanager:*') });
      const read = () => other.client({ credentials }).send(new GetSecretValueCommand({ SecretId: 'target' }));
      await read();
      await t.admin('UpdateAccessKey', { UserName: 'moving-user', AccessKeyId: credentials.accessKeyId, Status: 'Inactive' });
      await expectAwsError(read(), 'UnrecognizedClientException', BAD_TOKEN);
      await t.admin('UpdateAccessKey', { UserName: 'moving-user', AccessKeyId: credentials.accessKeyId, Status: 'Active' });
      await read();
      await t.admin('DeleteAccessKey', { UserName: 'moving-user', AccessKeyId: credentials.accessKeyId });
      await expectAwsError(read(), 'UnrecognizedClientException', BAD_TOKEN);
    } finally {
      await other.close();
    }
  });
});
