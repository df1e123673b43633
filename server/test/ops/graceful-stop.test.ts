// SIGTERM to a real `coffer server --workers 2`: new connections are refused at once, requests under way
// (here: still sending their bodies) finish and are answered, the audit events of every answered call
// (batched reads included) are in the trail after a restart, the rotation scheduler's lease is given
// back, and the process exits 0. A request that never finishes is cut at the shutdown timeout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand } from '@aws-sdk/client-secrets-manager';
import { smithySigner } from '../../src/auth/sigv4/test-signer.ts';
import { rawRequest, token } from '../api/helpers.ts';
import { readCredentials } from '../support/test-server.ts';
import { spawnServer, type ServerProcess } from '../store/server-process.ts';

type Credentials = { accessKeyId: string; secretAccessKey: string };

/** A signed API call whose body is sent in two parts, the second when the test says: a request under way. */
async function slowCall(endpoint: string, credentials: Credentials, target: string, input: Record<string, unknown>) {
  const url = new URL(endpoint);
  const body = JSON.stringify(input);
  const headers = { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, 'content-length': String(Buffer.byteLength(body)) };
  const signed = await smithySigner(credentials, 'us-east-1', 'secretsmanager').sign(
    { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers, body },
    { signingDate: new Date() },
  );
  const half = Math.floor(body.length / 2);
  let finish = (): void => {};
  const answered = new Promise<{ status: number; requestId: string; connection: string; json: Record<string, unknown> } | { error: string }>((resolve) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers, agent: false }, (res: IncomingMessage) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-amzn-requestid']), connection: String(res.headers.connection), json: JSON.parse(text) }));
    });
    req.on('error', (err) => resolve({ error: String(err) }));
    req.write(body.slice(0, half));
    // The rest is sent by finish(), or never.
    finish = () => req.end(body.slice(half));
  });
  return { answered, finish: () => finish() };
}

/** True once a new TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const exitCode = (server: ServerProcess) => server.child.exitCode;

describe('SIGTERM: a graceful stop', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'coffer-stop-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses new connections, finishes the requests under way, keeps their audit events, releases the lease, exits 0', async () => {
    const server = await spawnServer({ dataDir, args: ['--workers', '2'], env: { COFFER_SWEEP_INTERVAL_SECONDS: '0.2', COFFER_SHUTDOWN_TIMEOUT_SECONDS: '20' } });
    const credentials = readCredentials(join(dataDir, 'credentials'));
    const port = Number(new URL(server.url).port);
    const leases = () => {
      const db = new Sqlite(join(dataDir, 'coffer.db'), { readonly: true });
      try {
        return db.prepare("select holder from leases where name = 'rotation-scheduler'").all();
      } finally {
        db.close();
      }
    };
    const sm = server.client();
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'stop/db', SecretString: 'v0' }));
    // A worker's sweep has taken the scheduler's lease.
    await waitFor(() => leases().length === 1, 'the rotation scheduler lease');

    // Reads just before the signal: their events are batched, and must be flushed on the way out.
    const reads = await Promise.all(Array.from({ length: 20 }, () => sm.send(new GetSecretValueCommand({ SecretId: 'stop/db' }))));
    const readIds = reads.map((r) => r.$metadata.requestId!);
    // Writes under way: headers and half the body sent, on separate connections (both workers get some).
    const writes = await Promise.all(
      Array.from({ length: 4 }, (_, i) => slowCall(server.url, credentials, 'secretsmanager.PutSecretValue', { SecretId: 'stop/db', SecretString: `v${i + 1}`, ClientRequestToken: token() })),
    );
    await sleep(300); // the workers have the headers

    server.child.kill('SIGTERM');
    await waitFor(() => refused(port), 'new connections to be refused');
    assert.equal(exitCode(server), null, 'still running: requests are under way');

    writes.forEach((w) => w.finish());
    const answers = await Promise.all(writes.map((w) => w.answered));
    for (const answer of answers) {
      assert.ok(!('error' in answer), `a request under way was cut: ${JSON.stringify(answer)}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.equal(answer.connection, 'close', 'answered with Connection: close');
    }
    await server.stop();
    assert.equal(exitCode(server), 0, server.output());
    assert.deepEqual(leases(), [], 'the scheduler lease was released');

    // After a restart: the four versions, and every answered call in a trail that verifies.
    const again = await spawnServer({ dataDir, args: ['--workers', '1'] });
    try {
      const versions = await again.client().send(new ListSecretVersionIdsCommand({ SecretId: ARN, IncludeDeprecated: true }));
      assert.equal(versions.Versions?.length, 5);
      const admin = (operation: string, input: Record<string, unknown>) =>
        rawRequest(again.url, JSON.stringify(input), { credentials, target: `CofferAdmin.${operation}`, service: 'coffer' }).then((r) => r.json!);
      const recorded = new Set<string>();
      let NextToken: string | undefined;
      do {
        const page = (await admin('LookupEvents', { MaxResults: 50, ...(NextToken ? { NextToken } : {}) })) as { Events: Array<{ CloudTrailEvent: string }>; NextToken?: string };
        for (const e of page.Events) recorded.add(JSON.parse(e.CloudTrailEvent).requestID);
        NextToken = page.NextToken;
      } while (NextToken);
      const answered = [...readIds, ...answers.map((a) => (a as { requestId: string }).requestId)];
      assert.deepEqual(answered.filter((id) => !recorded.has(id)), [], 'every answered call is in the audit trail');
      assert.equal((await admin('VerifyAuditTrail', {})).Valid, true);
    } finally {
      await again.stop();
    }
    assert.equal(exitCode(again), 0);
  });

  it('cuts a request that does not finish once the shutdown timeout is over, and still exits 0', async () => {
    const server = await spawnServer({ dataDir, args: ['--workers', '1'], env: { COFFER_SHUTDOWN_TIMEOUT_SECONDS: '1' } });
    const credentials = readCredentials(join(dataDir, 'credentials'));
    const stalled = await slowCall(server.url, credentials, 'secretsmanager.GetSecretValue', { SecretId: 'stop/db' });
    await sleep(300);
    const started = Date.now();
    server.child.kill('SIGTERM');
    const answer = await stalled.answered;
    assert.ok('error' in answer && /socket hang up|ECONNRESET/.test(answer.error), JSON.stringify(answer));
    await server.stop();
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 6000, `stopped after ${took} ms`);
    assert.equal(exitCode(server), 0, server.output());
  });
});
