// The layering rules of ARCHITECTURE.md, checked over every import in server/src: dependencies point one
// way (http > protocol > services > {store, crypto, iam}; audit/ beside services); crypto/ and iam/ import
// nothing of ours; one service reaches another only through its service object, never through its store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** [importing file, imported file] pairs, paths relative to server/src. */
function imports(): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)) {
      pairs.push([relative(src, file), relative(src, resolve(dirname(file), m[1]))]);
    }
  }
  return pairs;
}

const layer = (path: string) => path.split('/')[0];
const allowed: Record<string, string[]> = {
  errors: ['errors'],
  crypto: ['crypto'],
  iam: ['iam'],
  store: ['store', 'errors'],
  access: ['access', 'iam', 'store', 'errors'],
  protocol: ['protocol', 'errors', 'auth'],
  auth: ['auth', 'errors', 'protocol', 'crypto', 'store'],
  services: ['services', 'errors', 'access', 'protocol', 'store', 'crypto', 'iam'],
  http: ['http', 'errors', 'protocol', 'auth'],
  rotation: ['rotation', 'errors', 'access', 'services', 'store', 'crypto', 'protocol'],
};

test('imports follow the layering rules', () => {
  const violations: string[] = [];
  for (const [from, to] of imports()) {
    const rules = allowed[layer(from)];
    if (rules && !rules.includes(layer(to))) violations.push(`${from} imports ${to}`);
    const [fromService, toService] = [from.split('/')[1], to.split('/')[1]];
    if (layer(from) === 'services' && layer(to) === 'services' && fromService !== toService && /-store\.ts$/.test(to)) {
      violations.push(`${from} reaches into another service's store: ${to}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the rule check sees the imports it is meant to check', () => {
  const pairs = imports();
  assert.ok(pairs.some(([from, to]) => from.startsWith('services/') && to.startsWith('store/')), 'services import the store');
  assert.ok(pairs.length > 50, `only ${pairs.length} imports found`);
});
