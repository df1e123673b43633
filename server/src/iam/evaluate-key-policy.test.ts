// evaluate() with `resourceMustAllow` (KMS key policies): the key policy gates every access in the same
// account as well; naming the account delegates to identity policies; the root gets only what the policy
// gives its account; explicit Denies of either kind still win; cross account is unchanged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from './evaluate.ts';
import { ACCOUNT, OTHER, OTHER_USER, ROOT, USER, policy, request } from './test-support.ts';
import type { AuthorizationRequest, Decision } from './types.ts';

const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DECRYPT = 'kms:Decrypt';
const allowAll = { Effect: 'Allow', Action: 'kms:*', Resource: '*' };
const to = (principal: unknown, stmt: Record<string, unknown>) => ({ ...stmt, Principal: principal });
const defaultPolicy = [to({ AWS: ROOT }, { ...allowAll, Sid: 'Enable IAM User Permissions' })];

interface Case {
  name: string;
  identity?: unknown[][];
  key: unknown[];
  req?: Partial<AuthorizationRequest>;
  expect: Partial<Decision>;
}

const asRoot = { principal: { arn: ROOT, accountId: ACCOUNT } };
const cross = { principal: { arn: OTHER_USER, accountId: OTHER } };
const implicit = (missing: 'identity' | 'resource') => ({ allowed: false, reason: 'implicit-deny' as const, missing });

const cases: Case[] = [
  { name: 'default policy: a user needs an identity Allow', key: defaultPolicy, expect: implicit('identity') },
  { name: 'default policy: an identity Allow grants (delegation)', key: defaultPolicy, identity: [[allowAll]], expect: { allowed: true } },
  { name: 'default policy: the root is allowed without identity policies', key: defaultPolicy, req: asRoot, expect: { allowed: true } },
  { name: 'no statement for the account: identity Allow grants nothing', key: [to({ AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, allowAll)], identity: [[allowAll]], expect: implicit('resource') },
  { name: 'no statement for the account: the root is refused', key: [to({ AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, allowAll)], req: asRoot, expect: implicit('resource') },
  { name: 'naming the user grants without identity policies', key: [to({ AWS: USER }, { ...allowAll, Action: DECRYPT })], expect: { allowed: true, allowedBy: { resource: { policy: 'resource', policyIndex: 0, index: 0 } } } },
  { name: 'naming the user for another action does not grant', key: [to({ AWS: USER }, { ...allowAll, Action: 'kms:Encrypt' })], identity: [[allowAll]], expect: implicit('resource') },
  { name: 'key policy Deny beats identity Allow', key: [...defaultPolicy, to({ AWS: USER }, { Effect: 'Deny', Action: DECRYPT, Resource: '*' })], identity: [[allowAll]], expect: { allowed: false, reason: 'explicit-deny', decidingStatement: { policy: 'resource', policyIndex: 0, index: 1 } } },
  { name: 'identity Deny beats a key policy naming the user', key: [to({ AWS: USER }, allowAll)], identity: [[{ Effect: 'Deny', Action: DECRYPT, Resource: '*' }]], expect: { allowed: false, reason: 'explicit-deny' } },
  { name: 'key policy Deny binds the root too', key: [...defaultPolicy, to('*', { Effect: 'Deny', Action: DECRYPT, Resource: '*' })], req: asRoot, expect: { allowed: false, reason: 'explicit-deny' } },
  { name: 'conditions of the key policy apply', key: [to({ AWS: USER }, { ...allowAll, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } })], expect: implicit('resource') },
  { name: 'conditions of the key policy hold', key: [to({ AWS: USER }, { ...allowAll, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } })], req: { context: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } }, expect: { allowed: true } },
  { name: 'cross account: the default policy does not let another account in', key: defaultPolicy, identity: [[allowAll]], req: cross, expect: implicit('resource') },
  { name: 'cross account: key policy naming the account and an identity Allow', key: [...defaultPolicy, to({ AWS: OTHER }, allowAll)], identity: [[allowAll]], req: cross, expect: { allowed: true } },
  { name: 'cross account: key policy alone is not enough', key: [...defaultPolicy, to({ AWS: OTHER_USER }, allowAll)], req: cross, expect: implicit('identity') },
];

describe('evaluate() with a gating resource policy (KMS key policies)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const identity = (c.identity ?? []).map((s) => policy('identity', s));
      const d = evaluate(request({ action: DECRYPT, resource: KEY, ...c.req }), { identity, resource: policy('resource', c.key), resourceMustAllow: true });
      const picked: Partial<Decision> = {};
      for (const k of Object.keys(c.expect) as (keyof Decision)[]) (picked as Record<string, unknown>)[k] = d[k];
      assert.deepEqual(picked, c.expect);
    });
  }
  it('without a resource policy nothing is allowed, not even the root', () => {
    assert.deepEqual(evaluate(request({ ...asRoot, action: DECRYPT, resource: KEY }), { identity: [], resourceMustAllow: true }), implicit('resource'));
  });
  it('the same policies without the flag delegate as before: identity Allow alone grants in the account', () => {
    const key = policy('resource', [to({ AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, allowAll)]);
    assert.equal(evaluate(request({ action: DECRYPT, resource: KEY }), { identity: [policy('identity', [allowAll])], resource: key }).allowed, true);
  });
});
