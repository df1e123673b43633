// GET /metrics and the request log of a real `coffer server --workers 2`, driven with the AWS SDK: the counters
// move by the calls made (whichever worker answered them), label values are bounded and name no secret, ARN or
// principal; every request has one JSON log line whose request id is the x-amzn-RequestId the client got, and no
// secret value, password or secret access key appears anywhere in the process's output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { spawnServer, type ServerProcess } from '../store/server-process.ts';
import { readCredentials } from '../support/test-server.ts';
import { metricTypes, parseMetrics, sampleValue, type Sample } from '../support/prometheus.ts';
import { rawRequest } from '../api/helpers.ts';
import { adminApi, createUser, type Credentials } from '../access/helpers.ts';

/** One request the test made, as its log line must show it. */
interface Expected {
  requestId: string;
  service: string;
  operation: string;
  principal?: string;
  status: number;
  errorType?: string;
}

interface SdkError extends Error {
  $metadata: { requestId?: string; httpStatusCode?: number };
}

async function failure(call: Promise<unknown>): Promise<SdkError> {
  return call.then(
    () => assert.fail('the call succeeded'),
    (err: SdkError) => err,
  );
}

/** GET /metrics on a connection of its own (so that, over several scrapes, both workers answer). */
async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${url}/metrics`, { headers: { connection: 'close', ...headers } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

function nonLoopbackIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
}

/** Every JSON line of a process's output. */
function logEntries(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('metrics and the request log of coffer server --workers 2', () => {
  const VALUE = `obs-value-${randomUUID()}`;
  const NAME = `obs/secret-${randomUUID().slice(0, 8)}`;
  const USER = `obs-user-${randomUUID().slice(0, 8)}`;
  let dataDir: string;
  let server: ServerProcess;
  let url: string;
  let root: Credentials;
  let user: Credentials;
  let accountId: string;
  let secretArn: string;
  let password: string;
  const expected: Expected[] = [];
  const clients: SecretsManagerClient[] = [];
  const client = (credentials: Credentials) => {
    const c = new SecretsManagerClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coffer-obs-'));
    // On every interface, so that a client from a non-loopback address can be refused /metrics.
    server = await spawnServer({ dataDir, args: ['--workers', '2', '--host', '0.0.0.0', '--insecure-http'] });
    url = `http://127.0.0.1:${new URL(server.url).port}`;
    root = readCredentials(join(dataDir, 'credentials'));
  });
  after(async () => {
    clients.forEach((c) => c.destroy());
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('GET /metrics counts requests by service, operation, outcome and error type, summed over the workers', async () => {
    const before = parseMetrics((await scrape(url)).text);
    const rootArnOf = (account: string) => `arn:aws:iam::${account}:root`;

    const created = await client(root).send(new CreateSecretCommand({ Name: NAME, SecretString: VALUE }));
    secretArn = created.ARN!;
    accountId = secretArn.split(':')[4];
    const rootArn = rootArnOf(accountId);
    expected.push({ requestId: created.$metadata.requestId!, service: 'secretsmanager', operation: 'CreateSecret', principal: rootArn, status: 200 });

    // Six reads on six connections: the primary hands new connections to the workers in turn.
    const reads = await Promise.all(Array.from({ length: 6 }, () => client(root).send(new GetSecretValueCommand({ SecretId: NAME }))));
    assert.ok(reads.every((r) => r.SecretString === VALUE));
    for (const r of reads) expected.push({ requestId: r.$metadata.requestId!, service: 'secretsmanager', operation: 'GetSecretValue', principal: rootArn, status: 200 });

    const generated = await client(root).send(new GetRandomPasswordCommand({ PasswordLength: 40 }));
    password = generated.RandomPassword!;
    expected.push({ requestId: generated.$metadata.requestId!, service: 'secretsmanager', operation: 'GetRandomPassword', principal: rootArn, status: 200 });

    const missing = await failure(client(root).send(new GetSecretValueCommand({ SecretId: `${NAME}-missing` })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    expected.push({ requestId: missing.$metadata.requestId!, service: 'secretsmanager', operation: 'GetSecretValue', principal: rootArn, status: 400, errorType: 'ResourceNotFoundException' });

    const malformed = await failure(client(root).send(new ListSecretsCommand({ MaxResults: 0 })));
    assert.equal(malformed.name, 'ValidationException');
    expected.push({ requestId: malformed.$metadata.requestId!, service: 'secretsmanager', operation: 'ListSecrets', principal: rootArn, status: 400, errorType: 'ValidationException' });

    // A user without any policy: created through the admin API (its CreateAccessKey answer holds its secret key).
    user = await createUser(adminApi(url, root), USER);
    const userArn = `arn:aws:iam::${accountId}:user/${USER}`;
    const denied = await failure(client(user).send(new GetSecretValueCommand({ SecretId: secretArn })));
    assert.equal(denied.name, 'AccessDeniedException');
    expected.push({ requestId: denied.$metadata.requestId!, service: 'secretsmanager', operation: 'GetSecretValue', principal: userArn, status: 400, errorType: 'AccessDeniedException' });

    // A target naming no operation: counted as "unknown", not under the client's text.
    const unknown = await rawRequest(url, '{}', { credentials: root, target: 'secretsmanager.StealEverything' });
    assert.equal(unknown.status, 400);
    expected.push({ requestId: unknown.headers.get('x-amzn-requestid')!, service: 'secretsmanager', operation: 'unknown', principal: rootArn, status: 400, errorType: 'UnknownOperationException' });

    const scrapes = [];
    for (let i = 0; i < 4; i++) scrapes.push(await scrape(url));
    for (const { status, text, headers } of scrapes) {
      assert.equal(status, 200);
      assert.match(headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      const after = parseMetrics(text);
      const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
      const requests = (operation: string, outcome: string, errorType = '', service = 'secretsmanager') =>
        delta('coffer_requests_total', { service, operation, outcome, error_type: errorType });
      // Whichever worker answers the scrape, the counts are every worker's.
      assert.equal(requests('CreateSecret', 'success'), 1);
      assert.equal(requests('GetSecretValue', 'success'), 6);
      assert.equal(requests('GetRandomPassword', 'success'), 1);
      assert.equal(requests('GetSecretValue', 'client_error', 'ResourceNotFoundException'), 1);
      assert.equal(requests('GetSecretValue', 'client_error', 'AccessDeniedException'), 1);
      assert.equal(requests('ListSecrets', 'client_error', 'ValidationException'), 1);
      assert.equal(requests('unknown', 'client_error', 'UnknownOperationException'), 1);
      assert.equal(requests('CreateUser', 'success', '', 'coffer'), 1);
      assert.equal(requests('CreateAccessKey', 'success', '', 'coffer'), 1);
      assert.ok(!after.some((s) => s.labels.operation === 'StealEverything'));

      const latency = { service: 'secretsmanager', operation: 'GetSecretValue', outcome: 'success' };
      assert.equal(delta('coffer_request_duration_seconds_count', latency), 6);
      assertHistogram(after, 'coffer_request_duration_seconds', latency);
      assert.equal(sampleValue(after, 'coffer_requests_in_flight'), 1, 'the scrape itself');
      assert.ok(sampleValue(after, 'coffer_store_query_duration_seconds_count', { statement: 'select' }) > 0);
      assert.ok(delta('coffer_audit_events_written_total', {}) >= 1, 'the changes are written before they are answered');
      assert.ok(sampleValue(after, 'coffer_cache_lookups_total', { cache: 'rows', result: 'hit' }) + sampleValue(after, 'coffer_cache_lookups_total', { cache: 'rows', result: 'miss' }) > 0);
      assert.equal(sampleValue(after, 'coffer_rotations_due'), 0);
      assert.equal(sampleValue(after, 'coffer_rotations_overdue'), 0);
    }
    const types = metricTypes(scrapes[0].text);
    for (const [name, type] of Object.entries({
      coffer_requests_total: 'counter',
      coffer_request_duration_seconds: 'histogram',
      coffer_requests_in_flight: 'gauge',
      coffer_rotations_total: 'counter',
      coffer_rotation_duration_seconds: 'histogram',
      coffer_rotations_due: 'gauge',
      coffer_rotations_overdue: 'gauge',
      coffer_audit_write_lag_seconds: 'histogram',
      coffer_audit_queue_depth: 'gauge',
      coffer_audit_events_written_total: 'counter',
      coffer_store_query_duration_seconds: 'histogram',
      coffer_cache_lookups_total: 'counter',
      coffer_cache_hit_ratio: 'gauge',
      process_cpu_seconds_total: 'counter',
    })) {
      assert.equal(types.get(name), type, name);
    }

    // Nothing that names a secret, an account, a principal or a key, nor any value, anywhere in the answer.
    for (const { text } of scrapes) {
      for (const marker of [NAME, secretArn, accountId, USER, rootArn, userArn, VALUE, password, root.accessKeyId, root.secretAccessKey, user.accessKeyId, user.secretAccessKey]) {
        assert.ok(!text.includes(marker), `the metrics show ${marker}`);
      }
    }
  });

  const address = nonLoopbackIPv4();
  test('without --metrics-token, GET /metrics answers loopback clients only', { skip: address ? false : 'this machine has no non-loopback IPv4 address' }, async () => {
    const port = new URL(server.url).port;
    const remote = await scrape(`http://${address}:${port}`);
    assert.equal(remote.status, 403);
    assert.equal(JSON.parse(remote.text).__type, 'AccessDeniedException');
    assert.ok(!remote.text.includes('coffer_requests_total'));
    // The API itself answers that address as usual.
    const res = await rawRequest(`http://${address}:${port}`, '{}', { credentials: root, target: 'secretsmanager.ListSecrets' });
    assert.equal(res.status, 200);
    assert.equal((await scrape(url)).status, 200);
  });

  test('one JSON log line per request, with the client\'s request id, and no value, password or secret key', async () => {
    assert.ok(expected.length > 0, 'the metrics test made the calls');
    await server.stop(); // the workers flush their log as they exit
    const output = server.output();
    const entries = logEntries(output);
    const requests = entries.filter((e) => e.msg === 'request');
    const ids = requests.map((e) => e.requestId);
    assert.equal(new Set(ids).size, ids.length, 'one line per request');
    for (const want of expected) {
      const lines = requests.filter((e) => e.requestId === want.requestId);
      assert.equal(lines.length, 1, `the log line of ${want.operation} ${want.requestId}`);
      const [line] = lines;
      assert.deepEqual(
        { service: line.service, operation: line.operation, principal: line.principal, status: line.status, errorType: line.errorType },
        { service: want.service, operation: want.operation, principal: want.principal, status: want.status, errorType: want.errorType },
      );
      assert.equal(line.sourceIp, '127.0.0.1');
      assert.equal(line.level, 30);
      assert.ok(typeof line.latencyMs === 'number' && line.latencyMs >= 0);
      assert.equal(typeof line.time, 'number');
    }
    // The six reads were answered by both workers: the metrics above summed them.
    const readers = new Set(requests.filter((e) => e.operation === 'GetSecretValue' && e.status === 200).map((e) => e.pid));
    assert.equal(readers.size, 2, 'both workers answered reads');
    assert.ok(requests.some((e) => e.operation === 'metrics' && e.service === 'http'));
    if (address) assert.ok(requests.some((e) => e.operation === 'metrics' && e.status === 403 && e.sourceIp === address));

    for (const secret of [VALUE, password, root.secretAccessKey, user.secretAccessKey]) {
      assert.ok(!output.includes(secret), 'the log holds a secret value, password or secret key');
    }
  });
});

describe('coffer server --metrics-token', () => {
  const TOKEN = `tok-${randomUUID()}`;
  let dataDir: string;
  let server: ServerProcess;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coffer-obs-token-'));
    server = await spawnServer({ dataDir, args: ['--dev', '--metrics-token', TOKEN] });
  });
  after(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('GET /metrics needs the bearer token, from loopback too, and the token is never logged', async () => {
    const wrong: Array<Record<string, string>> = [{}, { authorization: `Bearer ${TOKEN}-wrong` }, { authorization: TOKEN }];
    for (const headers of wrong) {
      const refused = await scrape(server.url, headers);
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer');
      assert.ok(!refused.text.includes(TOKEN));
    }
    const ok = await scrape(server.url, { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    assert.ok(sampleValue(parseMetrics(ok.text), 'coffer_requests_total', { service: 'http', operation: 'metrics', outcome: 'client_error', error_type: '' }) >= 3);
    await server.stop();
    const metricsLines = logEntries(server.output()).filter((e) => e.msg === 'request' && e.operation === 'metrics');
    assert.deepEqual(metricsLines.map((e) => e.status), [401, 401, 401, 200]);
    assert.ok(!server.output().includes(TOKEN));
  });
});

/** A histogram's buckets for one label set: cumulative, ending with +Inf equal to the count. */
function assertHistogram(samples: Sample[], name: string, labels: Record<string, string>): void {
  const buckets = samples.filter((s) => s.name === `${name}_bucket` && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(buckets.length > 2, `${name} has buckets`);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, 'cumulative');
  assert.equal(buckets.at(-1)!.labels.le, '+Inf');
  assert.equal(buckets.at(-1)!.value, sampleValue(samples, `${name}_count`, labels));
}
