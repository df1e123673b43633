// TLS in a real `coffer server --workers 2`: SIGHUP to the primary makes every worker serve the new
// certificate to new connections while a connection opened before keeps working; a bad new certificate is
// logged and the running one kept. And plain HTTP on a non-loopback address is refused at start.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { COFFER_BIN, freePort, spawnServer, type ServerProcess } from '../store/server-process.ts';
import { createTestCa, opensslMissing, type ServerCertificate, type TestCa } from '../support/tls-cert.ts';

const skip = opensslMissing();

/** GET /_coffer/health through `agent` (agent: false for a new connection): the certificate the server showed, and the socket. */
function probe(url: string, ca: string, agent: Agent | false): Promise<{ fingerprint: string; socket: TLSSocket; status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/_coffer/health`, { ca, agent }, (res) => {
      res.resume();
      const socket = res.socket as TLSSocket;
      res.on('end', () => resolve({ fingerprint: socket.getPeerCertificate().fingerprint256, socket, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function newConnections(url: string, ca: string, n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await probe(url, ca, false)).fingerprint);
  return seen;
}

async function waitForOutput(server: ServerProcess, pattern: RegExp, count: number): Promise<void> {
  const end = Date.now() + 10_000;
  while ((server.output().match(new RegExp(pattern, 'g')) ?? []).length < count) {
    if (Date.now() > end) throw new Error(`expected ${count} × ${pattern} in:\n${server.output()}`);
    await sleep(25);
  }
}

describe('a TLS server process', { skip }, () => {
  let dir: string;
  let ca: TestCa;
  let first: ServerCertificate;
  let second: ServerCertificate;
  let server: ServerProcess;
  const live = { cert: '', key: '' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-proc-'));
    ca = createTestCa(dir);
    first = ca.issue('first');
    second = ca.issue('second');
    live.cert = join(dir, 'live.crt');
    live.key = join(dir, 'live.key');
    copyFileSync(first.certFile, live.cert);
    copyFileSync(first.keyFile, live.key);
    server = await spawnServer({ dataDir: join(dir, 'data'), args: ['--workers', '2', '--tls-cert', live.cert, '--tls-key', live.key], ca: ca.caPem });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reloads the certificate on SIGHUP in every worker, without dropping an open connection', async () => {
    assert.match(server.url, /^https:\/\//);
    const sm = server.client();
    await sm.send(new CreateSecretCommand({ Name: 'hup/db', SecretString: 'before' }));
    // A keep-alive connection opened before the reload.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca: ca.caPem });
    const before = await probe(server.url, ca.caPem, keepAlive);
    assert.equal(before.fingerprint, first.fingerprint256);
    assert.deepEqual(await newConnections(server.url, ca.caPem, 4), new Set([first.fingerprint256]));

    copyFileSync(second.certFile, live.cert);
    copyFileSync(second.keyFile, live.key);
    process.kill(server.pid, 'SIGHUP');
    await waitForOutput(server, /SIGHUP: TLS certificate reloaded from/, 2);

    // New connections (the primary hands them to both workers in turn) get the new certificate...
    assert.deepEqual(await newConnections(server.url, ca.caPem, 6), new Set([second.fingerprint256]));
    // ...the connection from before is still open and answers, on the certificate it shook hands with.
    const after = await probe(server.url, ca.caPem, keepAlive);
    assert.equal(after.socket, before.socket, 'the same connection');
    assert.equal(after.status, 200);
    assert.equal(after.fingerprint, first.fingerprint256);
    keepAlive.destroy();
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'hup/db' }))).SecretString, 'before');
  });

  it('keeps the running certificate when the new one is bad, and says why', async () => {
    writeFileSync(live.cert, 'not a certificate\n');
    process.kill(server.pid, 'SIGHUP');
    await waitForOutput(server, /SIGHUP: TLS certificate NOT reloaded, still serving the previous one \(worker \d+\): the TLS certificate .*live\.crt and key .*live\.key are not usable/, 2);
    assert.deepEqual(await newConnections(server.url, ca.caPem, 4), new Set([second.fingerprint256]));
    // A key that is not the certificate's is refused the same way.
    copyFileSync(first.certFile, live.cert);
    process.kill(server.pid, 'SIGHUP');
    await waitForOutput(server, /NOT reloaded.*key values mismatch/, 2);
    assert.deepEqual(await newConnections(server.url, ca.caPem, 4), new Set([second.fingerprint256]));
    assert.equal((await server.client().send(new GetSecretValueCommand({ SecretId: 'hup/db' }))).SecretString, 'before');
  });
});

describe('plain HTTP on a non-loopback address', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-bind-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** `coffer server` with these arguments: its exit code and output, or 'running' once it listens (then stopped). */
  async function start(args: string[]): Promise<{ code: number | 'running'; output: string }> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COFFER_')));
    const child = spawn(process.execPath, [COFFER_BIN, 'server', '--data-dir', join(dir, 'data'), '--port', String(await freePort()), '--workers', '1', ...args], { env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let listened = false;
    return new Promise((resolve) => {
      child.stdout.on('data', () => {
        if (listened || !/Coffer listening on/.test(output)) return;
        listened = true;
        child.kill('SIGTERM');
      });
      child.once('exit', (code) => resolve({ code: listened ? 'running' : (code ?? -1), output }));
    });
  }

  it('is refused at start, saying what to do', async () => {
    const refused = await start(['--host', '0.0.0.0']);
    assert.equal(refused.code, 1);
    assert.match(refused.output, /coffer server: refusing to serve plain HTTP on 0\.0\.0\.0, a non-loopback address: secrets would cross the network in clear\. Give a certificate \(--tls-cert and --tls-key\), listen on 127\.0\.0\.1, or say --insecure-http/);
  });

  it('starts with --insecure-http', async () => {
    const started = await start(['--host', '0.0.0.0', '--insecure-http']);
    assert.equal(started.code, 'running', started.output);
    assert.match(started.output, /Coffer listening on http:\/\/0\.0\.0\.0:\d+/);
  });
});
