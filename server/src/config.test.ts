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
