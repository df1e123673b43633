// The layering rules of ARCHITECTURE.md (layer-rules.ts), checked over every import in server/src by
// check-layers.ts; and the same check on a fixture tree that breaks each rule once, so this test is shown to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers, readImports } from './check-layers.ts';
import { COFFER_LAYERS } from './layer-rules.ts';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '../../src');

test('server/src keeps the layering rules', () => {
  assert.deepEqual(checkLayers(src, COFFER_LAYERS), []);
});

test('the check sees the imports it is meant to check', () => {
  const imports = readImports(src);
  assert.ok(imports.length > 300, `only ${imports.length} imports found`);
  assert.ok(imports.some((i) => i.from === 'services/secretsmanager/secret-service.ts' && i.to === 'access/authorizer.ts' && i.typeOnly));
  assert.ok(imports.some((i) => i.from === 'app.ts' && i.to === 'store/db.ts' && !i.typeOnly));
});

test('a tree that breaks the rules fails with exactly its violations', () => {
  assert.deepEqual(checkLayers(join(here, 'fixtures/leaky-src'), COFFER_LAYERS), [
    'audit/audit-trail.ts imports protocol/pipeline.ts: audit may import only access, store, crypto, iam, errors',
    'auth/authenticate.ts imports protocol/errors.ts: auth may import only errors, crypto, store',
    'iam/evaluate.ts imports store/db.ts: iam may import nothing of ours',
    'import cycle: auth > protocol > auth',
    'import cycle: services/kms > services/secretsmanager > services/kms',
    'rotation/engine.ts imports services/secretsmanager/secret-store.ts: another domain only through its service module, services/secretsmanager/secret-service.ts',
    'stray.ts: no rule for root file stray.ts',
    'widgets/gadget.ts: no rule for folder widgets/',
  ]);
});
