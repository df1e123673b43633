// HTTPS: a server started with --tls-cert/--tls-key (a chain made by a test CA) answers the AWS SDK, which
// trusts that CA; it speaks TLS 1.2 and 1.3 only; policies see aws:SecureTransport true; bad certificate
// files stop it at start with an error that names the files and shows nothing of the key.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions, type SecureVersion } from 'node:tls';
import { get as httpsGet } from 'node:https';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { createApp, loadConfig } from '../../src/index.ts';
import { loadTlsOptions } from '../../src/http/tls.ts';
import { startAccessServer, expectAwsError, type AccessServer } from '../access/helpers.ts';
import { createTestCa, opensslMissing, type ServerCertificate, type TestCa } from '../support/tls-cert.ts';

const skip = opensslMissing();

/** What the server's TLS stack does with a client limited to `version`: the version agreed, or the error. */
function handshake(port: number, options: ConnectionOptions): Promise<{ protocol?: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      resolve({ protocol: socket.getProtocol() ?? undefined });
      socket.end();
    });
    socket.on('error', (err) => resolve({ error: String((err as NodeJS.ErrnoException).code ?? err) }));
  });
}

describe('the server over HTTPS', { skip }, () => {
  let dir: string;
  let ca: TestCa;
  let cert: ServerCertificate;
  let t: AccessServer;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-'));
    ca = createTestCa(dir);
    cert = ca.issue('server');
    t = await startAccessServer({ tls: { certFile: cert.certFile, keyFile: cert.keyFile, caPem: ca.caPem } });
    port = Number(new URL(t.server.endpoint).port);
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the AWS SDK (Secrets Manager and KMS) on an https endpoint, with the certificate chain it was given', async () => {
    assert.match(t.server.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    const sm = t.server.client();
    await sm.send(new CreateSecretCommand({ Name: 'tls/db', SecretString: 'over-tls-value' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'tls/db' }))).SecretString, 'over-tls-value');
    const key = await t.kms(t.root).send(new CreateKeyCommand({ Description: 'over TLS' }));
    assert.ok(key.KeyMetadata?.KeyId);

    // The chain in the file is what the server presents: its certificate, issued by the test CA.
    const presented = await new Promise<{ fingerprint: string; issuer: string }>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: ca.caPem, servername: 'localhost' }, () => {
        const peer = socket.getPeerCertificate(true);
        resolve({ fingerprint: peer.fingerprint256, issuer: String(peer.issuerCertificate?.subject?.CN) });
        socket.end();
      });
      socket.on('error', reject);
    });
    assert.deepEqual(presented, { fingerprint: cert.fingerprint256, issuer: 'Coffer test CA' });
  });

  it('is refused by a client that does not trust the CA (the certificate is really checked)', async () => {
    const untrusting = new SecretsManagerClient({ endpoint: t.server.endpoint, region: 'us-east-1', credentials: t.root, maxAttempts: 1 });
    try {
      await assert.rejects(untrusting.send(new GetSecretValueCommand({ SecretId: 'tls/db' })), /self[- ]signed certificate in certificate chain|unable to verify/i);
    } finally {
      untrusting.destroy();
    }
  });

  it('negotiates TLS 1.3 or 1.2 and refuses TLS 1.1 and 1.0', async () => {
    const base = { ca: ca.caPem };
    assert.deepEqual(await handshake(port, base), { protocol: 'TLSv1.3' });
    assert.deepEqual(await handshake(port, { ...base, maxVersion: 'TLSv1.2' }), { protocol: 'TLSv1.2' });
    // The client's own floor lowered (SECLEVEL=0 lets OpenSSL offer the old versions), so the refusal is the server's.
    for (const version of ['TLSv1.1', 'TLSv1'] as SecureVersion[]) {
      const old = await handshake(port, { ...base, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
      assert.equal(old.protocol, undefined, `${version} was accepted`);
      assert.match(old.error ?? '', /ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION/, `${version}: ${old.error}`);
    }
  });

  it('offers TLS 1.2 clients only forward-secret AEAD cipher suites', async () => {
    const cbc = await handshake(port, { ca: ca.caPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA' });
    assert.equal(cbc.protocol, undefined);
    assert.match(cbc.error ?? '', /HANDSHAKE_FAILURE/);
  });

  it('sets aws:SecureTransport to true: a TLS-only policy allows, a Deny on plain HTTP does not apply', async () => {
    await t.server.client().send(new CreateSecretCommand({ Name: 'tls/guarded', SecretString: 'guarded-value' }));
    const tlsOnly = t.sm(await t.user('tls-only', {
      p: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] },
    }));
    assert.equal((await tlsOnly.send(new GetSecretValueCommand({ SecretId: 'tls/guarded' }))).SecretString, 'guarded-value');
    const denyPlain = t.sm(await t.user('deny-plain', {
      p: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ],
      },
    }));
    assert.equal((await denyPlain.send(new GetSecretValueCommand({ SecretId: 'tls/guarded' }))).SecretString, 'guarded-value');
    const plainOnly = t.sm(await t.user('plain-only', {
      p: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
    }));
    await expectAwsError(plainOnly.send(new GetSecretValueCommand({ SecretId: 'tls/guarded' })), 'AccessDeniedException');
  });

  it('answers the readiness probe over HTTPS', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      httpsGet(`${t.server.endpoint}/_coffer/ready`, { ca: ca.caPem }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    assert.deepEqual(answer, { status: 200, body: '{"status":"ready"}' });
  });
});

describe('bad certificate files', { skip }, () => {
  let dir: string;
  let ca: TestCa;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-bad-'));
    ca = createTestCa(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are refused with the files named and nothing of the key shown', () => {
    const a = ca.issue('a');
    const b = ca.issue('b');
    const keyPem = readFileSync(b.keyFile, 'utf8');
    const refusal = (files: { certFile: string; keyFile: string }): string => {
      try {
        loadTlsOptions(files);
      } catch (err) {
        return (err as Error).message;
      }
      assert.fail('the files were accepted');
    };
    const mismatch = refusal({ certFile: a.certFile, keyFile: b.keyFile });
    assert.match(mismatch, new RegExp(`the TLS certificate ${a.certFile} and key ${b.keyFile} are not usable: key values mismatch`));
    assert.equal(mismatch.includes(keyPem.split('\n')[1]), false);
    assert.match(refusal({ certFile: join(dir, 'missing.crt'), keyFile: a.keyFile }), /cannot read the TLS certificate file .*missing\.crt: ENOENT/);
    const garbage = join(dir, 'garbage.crt');
    writeFileSync(garbage, 'not a certificate\n');
    assert.match(refusal({ certFile: garbage, keyFile: a.keyFile }), /are not usable: .*(no start line|PEM)/i);
  });

  it('stop the server at start, before it listens', async () => {
    const a = ca.issue('start-a');
    const b = ca.issue('start-b');
    const config = loadConfig({ port: 0, dataDir: join(dir, 'data'), tlsCert: a.certFile, tlsKey: b.keyFile }, {});
    await assert.rejects(createApp(config), /key values mismatch/);
  });
});
