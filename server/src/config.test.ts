import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { loadConfig } from './config.ts';

test('the server runs a worker per core unless told otherwise', () => {
  assert.equal(loadConfig({}, {}).workers, availableParallelism());
  assert.equal(loadConfig({}, { COFFER_WORKERS: '3' }).workers, 3);
  assert.equal(loadConfig({ workers: '2' }, { COFFER_WORKERS: '3' }).workers, 2, 'the flag wins over the environment');
  assert.equal(loadConfig({ dev: true }, {}).workers, 1, 'dev mode keeps its store in one process');
  assert.throws(() => loadConfig({ workers: '0' }, {}), /invalid worker count: 0/);
});

test('logs are pretty on a terminal and JSON otherwise, unless told', () => {
  assert.equal(loadConfig({}, {}, true).logFormat, 'pretty');
  assert.equal(loadConfig({}, {}, false).logFormat, 'json');
  assert.equal(loadConfig({}, { COFFER_LOG_FORMAT: 'json' }, true).logFormat, 'json');
  assert.equal(loadConfig({ logFormat: 'pretty' }, { COFFER_LOG_FORMAT: 'json' }, false).logFormat, 'pretty', 'the flag wins');
  assert.throws(() => loadConfig({ logFormat: 'xml' }, {}), /invalid log format xml: use json or pretty/);
});

test('the log level is one of pino\'s, info by default', () => {
  assert.equal(loadConfig({}, {}).logLevel, 'info');
  assert.equal(loadConfig({}, { COFFER_LOG_LEVEL: 'WARN' }).logLevel, 'warn');
  assert.equal(loadConfig({ logLevel: 'debug' }, { COFFER_LOG_LEVEL: 'warn' }).logLevel, 'debug');
  assert.throws(() => loadConfig({ logLevel: 'loud' }, {}), /invalid log level loud: use one of fatal, error, warn, info, debug, trace, silent/);
});

test('a metrics token is optional, and long enough when given (without being echoed in the error)', () => {
  assert.equal(loadConfig({}, {}).metricsToken, undefined);
  assert.equal(loadConfig({}, { COFFER_METRICS_TOKEN: 'a-long-enough-token' }).metricsToken, 'a-long-enough-token');
  assert.throws(
    () => loadConfig({ metricsToken: 'short-tok' }, {}),
    (err: Error) => /at least 16 characters/.test(err.message) && !err.message.includes('short-tok'),
  );
});

test('TLS takes both files, as flags or environment variables', () => {
  assert.equal(loadConfig({}, {}).tls, undefined);
  assert.deepEqual(loadConfig({ tlsCert: '/etc/coffer/cert.pem', tlsKey: '/etc/coffer/key.pem' }, {}).tls, { certFile: '/etc/coffer/cert.pem', keyFile: '/etc/coffer/key.pem' });
  assert.deepEqual(loadConfig({}, { COFFER_TLS_CERT: '/a.pem', COFFER_TLS_KEY: '/b.pem' }).tls, { certFile: '/a.pem', keyFile: '/b.pem' });
  assert.equal(loadConfig({ tlsCert: '/flag.pem' }, { COFFER_TLS_CERT: '/env.pem', COFFER_TLS_KEY: '/b.pem' }).tls?.certFile, '/flag.pem');
  assert.throws(() => loadConfig({ tlsCert: '/a.pem' }, {}), /TLS needs both --tls-cert and --tls-key/);
  assert.throws(() => loadConfig({}, { COFFER_TLS_KEY: '/b.pem' }), /TLS needs both --tls-cert and --tls-key/);
});

test('plain HTTP on a non-loopback address is refused unless --insecure-http says so', () => {
  for (const host of ['127.0.0.1', '127.0.0.53', 'localhost', '::1', '[::1]']) assert.equal(loadConfig({ host }, {}).host, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.5', 'coffer.internal', '::ffff:10.0.0.5']) {
    assert.throws(() => loadConfig({ host }, {}), new RegExp(`refusing to serve plain HTTP on ${host.replace(/\./g, '\\.')}, a non-loopback address`));
    assert.throws(() => loadConfig({ host, dev: true }, {}), /refusing to serve plain HTTP/, 'dev mode too');
    assert.equal(loadConfig({ host, insecureHttp: true }, {}).insecureHttp, true);
    assert.equal(loadConfig({ host }, { COFFER_INSECURE_HTTP: 'true' }).host, host);
    assert.equal(loadConfig({ host, tlsCert: '/a.pem', tlsKey: '/b.pem' }, {}).host, host, 'TLS is fine anywhere');
  }
  assert.equal(loadConfig({ host: '0.0.0.0' }, { COFFER_HOST: '127.0.0.1', COFFER_INSECURE_HTTP: 'yes' }).host, '0.0.0.0');
});

test('the shutdown timeout is 10 s unless COFFER_SHUTDOWN_TIMEOUT_SECONDS says otherwise', () => {
  assert.equal(loadConfig({}, {}).shutdownTimeoutMs, 10_000);
  assert.equal(loadConfig({}, { COFFER_SHUTDOWN_TIMEOUT_SECONDS: '2.5' }).shutdownTimeoutMs, 2500);
  assert.throws(() => loadConfig({}, { COFFER_SHUTDOWN_TIMEOUT_SECONDS: 'soon' }), /invalid COFFER_SHUTDOWN_TIMEOUT_SECONDS: soon/);
});

test('peers: a region, an https URL (http only on loopback) and a credential each, the secret never echoed', () => {
  const env = { COFFER_PEERS: 'eu-west-1=https://coffer-b.example:4580, ap-south-1=http://127.0.0.1:4590', COFFER_PEER_CREDENTIALS: 'eu-west-1=AKIDB:sekrit-b,ap-south-1=AKIDC:sekrit-c' };
  const peers = loadConfig({}, env).peers;
  assert.deepEqual([...peers.keys()], ['eu-west-1', 'ap-south-1']);
  assert.deepEqual(peers.get('eu-west-1'), { url: 'https://coffer-b.example:4580', credentials: { accessKeyId: 'AKIDB', secretAccessKey: 'sekrit-b' } });
  assert.equal(loadConfig({}, {}).peers.size, 0);
  const refused = (e: Record<string, string>, message: RegExp) =>
    assert.throws(() => loadConfig({}, e), (err: Error) => message.test(err.message) && !err.message.includes('sekrit'));
  refused({ ...env, COFFER_PEERS: 'eu-west-1=http://coffer-b.example:4580' }, /must be https \(http only on a loopback address\)/);
  refused({ ...env, COFFER_PEER_CREDENTIALS: 'eu-west-1=AKIDB:sekrit-b' }, /peer region ap-south-1 needs a credential/);
  refused({ ...env, COFFER_PEER_CREDENTIALS: 'eu-west-1=sekrit-b,ap-south-1=AKIDC:sekrit-c' }, /peer region eu-west-1 needs a credential/);
  refused({ ...env, COFFER_PEER_CREDENTIALS: `${env.COFFER_PEER_CREDENTIALS},us-west-2=A:sekrit` }, /names us-west-2, which COFFER_PEERS does not/);
  refused({ ...env, COFFER_PEERS: 'EU=https://b.example' }, /invalid peer region EU/);
  refused({ ...env, COFFER_PEERS: 'eu-west-1=https://b.example,eu-west-1=https://c.example' }, /given twice/);
});
