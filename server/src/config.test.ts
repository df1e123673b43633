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
