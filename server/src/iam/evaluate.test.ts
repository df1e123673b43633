// evaluate(): deny by default, explicit deny wins, same-account OR, cross-account AND, account delegation,
// NotAction / NotResource / NotPrincipal, the root user, conditions and variables, end to end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from './evaluate.ts';
import { ACCOUNT, GET, OTHER, OTHER_USER, ROOT, SECRET, USER, policy, request } from './test-support.ts';
import type { AuthorizationRequest, Decision } from './types.ts';

const OTHER_SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-XyZ123`;
const COLLEAGUE = `arn:aws:iam::${ACCOUNT}:user/colleague`;
const OTHER_ROOT = `arn:aws:iam::${OTHER}:root`;
const allowGet = { Effect: 'Allow', Action: GET, Resource: SECRET };
const denyGet = { Effect: 'Deny', Action: GET, Resource: SECRET };
const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
const to = (principal: unknown, stmt: Record<string, unknown>) => ({ ...stmt, Principal: principal });

interface Case {
  name: string;
  identity?: unknown[][];
  resource?: unknown[];
  req?: Partial<AuthorizationRequest>;
  expect: Partial<Decision>;
}

const cross = { principal: { arn: OTHER_USER, accountId: OTHER } };
const crossRoot = { principal: { arn: OTHER_ROOT, accountId: OTHER } };
const asRoot = { principal: { arn: ROOT, accountId: ACCOUNT } };

const allowed = (policyKind: 'identity' | 'resource', index = 0, policyIndex = 0) => ({
  allowed: true,
  reason: 'allowed' as const,
  decidingStatement: { policy: policyKind, policyIndex, index },
});
const explicit = (policyKind: 'identity' | 'resource', index = 0, policyIndex = 0) => ({
  allowed: false,
  reason: 'explicit-deny' as const,
  decidingStatement: { policy: policyKind, policyIndex, index },
});
const implicit = (missing: 'identity' | 'resource') => ({ allowed: false, reason: 'implicit-deny' as const, missing });

const cases: Case[] = [
  // Deny by default, identity policies, deny overrides.
  { name: 'no policy at all: implicit deny (identity)', expect: implicit('identity') },
  { name: 'identity Allow grants', identity: [[allowGet]], expect: allowed('identity') },
  { name: 'identity Allow for another action does not grant', identity: [[{ ...allowGet, Action: 'secretsmanager:PutSecretValue' }]], expect: implicit('identity') },
  { name: 'identity Allow for another resource does not grant', identity: [[{ ...allowGet, Resource: OTHER_SECRET }]], expect: implicit('identity') },
  { name: 'Deny in the same policy wins over Allow', identity: [[allowGet, denyGet]], expect: explicit('identity', 1) },
  { name: 'Deny in another identity policy wins', identity: [[allowAll], [denyGet]], expect: explicit('identity', 0, 1) },
  { name: 'Allow in the second identity policy grants', identity: [[{ ...allowGet, Resource: OTHER_SECRET }], [allowGet]], expect: allowed('identity', 0, 1) },
  { name: 'Deny for another action does not apply', identity: [[allowGet, { ...denyGet, Action: 'secretsmanager:Delete*' }]], expect: allowed('identity') },
  { name: 'Deny "*" beats Allow "*"', identity: [[allowAll, { Effect: 'Deny', Action: '*', Resource: '*' }]], expect: explicit('identity', 1) },
  { name: 'action names are case-insensitive in policies', identity: [[{ ...allowGet, Action: 'SecretsManager:getsecretVALUE' }]], expect: allowed('identity') },
  { name: 'action names are case-insensitive in requests', identity: [[allowGet]], req: { action: 'SECRETSMANAGER:GetSecretValue' }, expect: allowed('identity') },
  { name: 'resource ARNs are case-sensitive', identity: [[{ ...allowGet, Resource: SECRET.replace('app/db', 'App/db') }]], expect: implicit('identity') },
  { name: 'action wildcard secretsmanager:Get*', identity: [[{ ...allowGet, Action: 'secretsmanager:Get*' }]], expect: allowed('identity') },
  { name: 'resource wildcard on the name', identity: [[{ ...allowGet, Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:app/*` }]], expect: allowed('identity') },
  { name: 'resource wildcard ? for the random suffix', identity: [[{ ...allowGet, Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-??????` }]], expect: allowed('identity') },

  // Same account, resource policies.
  { name: 'resource policy naming the user grants alone (same account)', resource: [to({ AWS: USER }, allowGet)], expect: allowed('resource') },
  { name: 'resource policy Principal "*" grants alone (same account)', resource: [to('*', allowGet)], expect: allowed('resource') },
  { name: 'resource policy {"AWS":"*"} grants alone (same account)', resource: [to({ AWS: '*' }, allowGet)], expect: allowed('resource') },
  { name: 'resource policy naming the account only delegates: no grant without identity Allow', resource: [to({ AWS: ACCOUNT }, allowGet)], expect: implicit('identity') },
  { name: 'resource policy naming the account root ARN only delegates too', resource: [to({ AWS: ROOT }, allowGet)], expect: implicit('identity') },
  { name: 'account delegation plus identity Allow grants (by the identity policy)', identity: [[allowGet]], resource: [to({ AWS: ACCOUNT }, allowGet)], expect: allowed('identity') },
  { name: 'resource policy naming another user does not grant', resource: [to({ AWS: COLLEAGUE }, allowGet)], expect: implicit('identity') },
  { name: 'resource Deny naming the user beats identity Allow', identity: [[allowGet]], resource: [to({ AWS: USER }, denyGet)], expect: explicit('resource') },
  { name: 'resource Deny naming the account covers its users', identity: [[allowGet]], resource: [to({ AWS: ACCOUNT }, denyGet)], expect: explicit('resource') },
  { name: 'resource Deny "*" covers everyone', identity: [[allowGet]], resource: [to('*', denyGet)], expect: explicit('resource') },
  { name: 'resource Deny naming a colleague does not apply', identity: [[allowGet]], resource: [to({ AWS: COLLEAGUE }, denyGet)], expect: allowed('identity') },
  { name: 'identity Deny beats resource Allow', identity: [[denyGet]], resource: [to({ AWS: USER }, allowGet)], expect: explicit('identity') },
  { name: 'resource Deny beats resource Allow', resource: [to('*', allowGet), to('*', denyGet)], expect: explicit('resource', 1) },

  // Cross account: both sides must allow.
  { name: 'cross-account: identity Allow alone is not enough', identity: [[allowGet]], req: cross, expect: implicit('resource') },
  { name: 'cross-account: resource Allow alone is not enough', resource: [to({ AWS: OTHER_USER }, allowGet)], req: cross, expect: implicit('identity') },
  { name: 'cross-account: nothing at all names the identity side first', req: cross, expect: implicit('identity') },
  { name: 'cross-account: both allow', identity: [[allowGet]], resource: [to({ AWS: OTHER_USER }, allowGet)], req: cross, expect: allowed('resource') },
  { name: 'cross-account: resource policy naming the caller account + identity Allow', identity: [[allowGet]], resource: [to({ AWS: OTHER }, allowGet)], req: cross, expect: allowed('resource') },
  { name: 'cross-account: resource policy naming the caller account root ARN + identity Allow', identity: [[allowGet]], resource: [to({ AWS: OTHER_ROOT }, allowGet)], req: cross, expect: allowed('resource') },
  { name: 'cross-account: resource policy naming the caller account, no identity Allow', resource: [to({ AWS: OTHER }, allowGet)], req: cross, expect: implicit('identity') },
  { name: 'cross-account: resource policy "*" + identity Allow', identity: [[allowGet]], resource: [to('*', allowGet)], req: cross, expect: allowed('resource') },
  { name: 'cross-account: resource policy naming only the owner account does not cover the caller', identity: [[allowGet]], resource: [to({ AWS: ACCOUNT }, allowGet)], req: cross, expect: implicit('resource') },
  { name: 'cross-account: identity Deny', identity: [[allowGet, denyGet]], resource: [to('*', allowGet)], req: cross, expect: explicit('identity', 1) },
  { name: 'cross-account: resource Deny naming the caller account', identity: [[allowGet]], resource: [to('*', allowGet), to({ AWS: OTHER }, denyGet)], req: cross, expect: explicit('resource', 1) },
  { name: 'cross-account: the other account root needs only the resource policy', resource: [to({ AWS: OTHER }, allowGet)], req: crossRoot, expect: allowed('resource') },
  { name: 'cross-account: the other account root without resource Allow', req: crossRoot, expect: implicit('resource') },

  // The account root in its own account.
  { name: 'root in its own account, no policies: allowed', req: asRoot, expect: { allowed: true, reason: 'allowed' } },
  { name: 'root is still bound by a resource Deny "*"', resource: [to('*', denyGet)], req: asRoot, expect: explicit('resource') },
  { name: 'root is bound by a resource Deny naming its account', resource: [to({ AWS: ACCOUNT }, denyGet)], req: asRoot, expect: explicit('resource') },
  { name: 'root is named directly by its account in a resource Allow', resource: [to({ AWS: ACCOUNT }, allowGet)], req: asRoot, expect: allowed('resource') },

  // NotAction / NotResource.
  { name: 'Allow NotAction: other actions are allowed', identity: [[{ Effect: 'Allow', NotAction: 'secretsmanager:Delete*', Resource: '*' }]], expect: allowed('identity') },
  { name: 'Allow NotAction: the listed action is not', identity: [[{ Effect: 'Allow', NotAction: 'secretsmanager:Get*', Resource: '*' }]], expect: implicit('identity') },
  { name: 'Deny NotAction: everything but the listed action is denied', identity: [[allowAll, { Effect: 'Deny', NotAction: 'secretsmanager:Describe*', Resource: '*' }]], expect: explicit('identity', 1) },
  { name: 'Deny NotAction: the listed action passes', identity: [[allowAll, { Effect: 'Deny', NotAction: 'secretsmanager:Get*', Resource: '*' }]], expect: allowed('identity') },
  { name: 'Allow NotResource: other resources are allowed', identity: [[{ Effect: 'Allow', Action: GET, NotResource: OTHER_SECRET }]], expect: allowed('identity') },
  { name: 'Allow NotResource: the listed resource is not', identity: [[{ Effect: 'Allow', Action: GET, NotResource: SECRET }]], expect: implicit('identity') },
  { name: 'Deny NotResource: everything but the listed resource is denied', identity: [[allowAll, { Effect: 'Deny', Action: '*', NotResource: OTHER_SECRET }]], expect: explicit('identity', 1) },
  { name: 'Deny NotResource: the listed resource passes', identity: [[allowAll, { Effect: 'Deny', Action: '*', NotResource: `arn:aws:secretsmanager:*:*:secret:app/*` }]], expect: allowed('identity') },

  // NotPrincipal.
  { name: 'Deny NotPrincipal listing the user and its account: the user passes', identity: [[allowGet]], resource: [{ ...denyGet, NotPrincipal: { AWS: [USER, ACCOUNT] } }], expect: allowed('identity') },
  { name: 'Deny NotPrincipal listing the user and its account: a colleague is denied', identity: [[allowGet]], resource: [{ ...denyGet, NotPrincipal: { AWS: [USER, ACCOUNT] } }], req: { principal: { arn: COLLEAGUE, accountId: ACCOUNT } }, expect: explicit('resource') },
  { name: 'Deny NotPrincipal listing only the user ARN still denies the user (account not listed)', identity: [[allowGet]], resource: [{ ...denyGet, NotPrincipal: { AWS: USER } }], expect: explicit('resource') },
  { name: 'Deny NotPrincipal listing only the account denies its users', identity: [[allowGet]], resource: [{ ...denyGet, NotPrincipal: { AWS: ACCOUNT } }], expect: explicit('resource') },
  { name: 'Deny NotPrincipal listing only the account exempts its root', resource: [{ ...denyGet, NotPrincipal: { AWS: ACCOUNT } }], req: asRoot, expect: { allowed: true, reason: 'allowed' } },
  { name: 'Allow NotPrincipal grants everyone else', resource: [{ ...allowGet, NotPrincipal: { AWS: OTHER_USER } }], expect: allowed('resource') },
  { name: 'Allow NotPrincipal does not grant the listed principal', identity: [[allowGet]], resource: [{ ...allowGet, NotPrincipal: { AWS: [OTHER_USER, OTHER] } }], req: cross, expect: implicit('resource') },

  // Conditions end to end.
  { name: 'ABAC: resource tag equals principal tag', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } }]], req: { principal: { arn: USER, accountId: ACCOUNT, tags: { team: 'blue' } }, context: { 'aws:ResourceTag/team': 'blue' } }, expect: allowed('identity') },
  { name: 'ABAC: resource tag differs', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } }]], req: { principal: { arn: USER, accountId: ACCOUNT, tags: { team: 'blue' } }, context: { 'aws:ResourceTag/team': 'red' } }, expect: implicit('identity') },
  { name: 'ABAC: principal without the tag', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } }]], req: { context: { 'aws:ResourceTag/team': 'blue' } }, expect: implicit('identity') },
  { name: 'version stage: AWSCURRENT allowed', identity: [[{ ...allowGet, Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } } }]], req: { context: { 'secretsmanager:VersionStage': 'AWSCURRENT' } }, expect: allowed('identity') },
  { name: 'version stage: AWSPREVIOUS not allowed', identity: [[{ ...allowGet, Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } } }]], req: { context: { 'secretsmanager:VersionStage': 'AWSPREVIOUS' } }, expect: implicit('identity') },
  { name: 'version stage absent: StringEquals does not hold', identity: [[{ ...allowGet, Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } } }]], expect: implicit('identity') },
  { name: 'version stage absent: StringEqualsIfExists holds', identity: [[{ ...allowGet, Condition: { StringEqualsIfExists: { 'secretsmanager:VersionStage': 'AWSCURRENT' } } }]], expect: allowed('identity') },
  { name: 'Deny without TLS applies', identity: [[allowGet, { ...denyGet, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]], req: { context: { 'aws:SecureTransport': 'false' } }, expect: explicit('identity', 1) },
  { name: 'Deny without TLS passes over TLS', identity: [[allowGet, { ...denyGet, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]], req: { context: { 'aws:SecureTransport': 'true' } }, expect: allowed('identity') },
  { name: 'source IP: resource Deny NotIpAddress from outside', identity: [[allowGet]], resource: [to('*', { ...denyGet, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], req: { context: { 'aws:SourceIp': '203.0.113.7' } }, expect: explicit('resource') },
  { name: 'source IP: resource Deny NotIpAddress from inside', identity: [[allowGet]], resource: [to('*', { ...denyGet, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], req: { context: { 'aws:SourceIp': '10.1.2.3' } }, expect: allowed('identity') },
  { name: 'source IP absent: NotIpAddress Deny applies (negated operator, key absent)', identity: [[allowGet]], resource: [to('*', { ...denyGet, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], expect: explicit('resource') },
  { name: 'derived key aws:PrincipalArn', identity: [[{ ...allowGet, Condition: { ArnEquals: { 'aws:PrincipalArn': USER } } }]], expect: allowed('identity') },
  { name: 'derived key aws:PrincipalAccount', resource: [to('*', { ...allowGet, Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } })], expect: allowed('resource') },
  { name: 'derived key aws:PrincipalAccount (other account)', identity: [[allowGet]], resource: [to('*', { ...allowGet, Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } })], req: cross, expect: implicit('resource') },
  { name: 'derived key aws:PrincipalType', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } }]], expect: allowed('identity') },
  { name: 'an explicit context value overrides a derived key', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } }]], req: { context: { 'aws:PrincipalType': 'AssumedRole' } }, expect: implicit('identity') },
  { name: 'principal tags become aws:PrincipalTag/<key> (tag key case-insensitive)', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'blue' } } }]], req: { principal: { arn: USER, accountId: ACCOUNT, tags: { team: 'blue' } } }, expect: allowed('identity') },
  { name: 'a context key set to [] hides the derived principal tag', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }]], req: { principal: { arn: USER, accountId: ACCOUNT, tags: { team: 'blue' } }, context: { 'aws:principaltag/team': [] } }, expect: implicit('identity') },
  { name: 'derived key aws:username for a user with a path', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:username': 'app' } } }]], req: { principal: { arn: `arn:aws:iam::${ACCOUNT}:user/division/team/app`, accountId: ACCOUNT } }, expect: allowed('identity') },
  { name: 'the account root has no aws:username', resource: [to('*', { ...allowGet, Condition: { Null: { 'aws:username': 'true' } } })], req: crossRoot, expect: allowed('resource') },
  { name: 'an IAM user has aws:username', identity: [[allowGet]], resource: [to('*', { ...allowGet, Condition: { Null: { 'aws:username': 'true' } } })], req: cross, expect: implicit('resource') },
  { name: 'a context key spelt differently from the policy is still found', identity: [[{ ...allowGet, Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }]], req: { context: { 'AWS:SOURCEVPC': 'vpc-1', 'aws:SourceVpcX': 'vpc-2' } }, expect: allowed('identity') },
  { name: 'policy variable in Resource: own name', identity: [[{ ...allowGet, Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:username}/*` }]], req: { resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-AbCdEf` }, expect: allowed('identity') },
  { name: 'policy variable in Resource: someone else\'s secret', identity: [[{ ...allowGet, Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:\${aws:username}/*` }]], req: { resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:bob/db-AbCdEf` }, expect: implicit('identity') },
  { name: 'condition keys are case-insensitive in the request context', identity: [[{ ...allowGet, Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } } }]], req: { context: { 'SECRETSMANAGER:versionstage': 'AWSCURRENT' } }, expect: allowed('identity') },
  { name: 'date window: before the end', identity: [[{ ...allowGet, Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } } }]], req: { context: { 'aws:CurrentTime': '2026-06-01T00:00:00Z' } }, expect: allowed('identity') },
  { name: 'date window: after the end', identity: [[{ ...allowGet, Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } } }]], req: { context: { 'aws:CurrentTime': '2027-06-01T00:00:00Z' } }, expect: implicit('identity') },
  { name: 'tag keys in the request: ForAllValues allows an allowed subset', identity: [[{ Effect: 'Allow', Action: 'secretsmanager:TagResource', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } } }]], req: { action: 'secretsmanager:TagResource', context: { 'aws:TagKeys': ['team'] } }, expect: allowed('identity') },
  { name: 'tag keys in the request: ForAllValues refuses an extra key', identity: [[{ Effect: 'Allow', Action: 'secretsmanager:TagResource', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } } }]], req: { action: 'secretsmanager:TagResource', context: { 'aws:TagKeys': ['team', 'owner'] } }, expect: implicit('identity') },

  // Service principals.
  { name: 'a service principal named in a resource policy', resource: [to({ Service: 'secretsmanager.amazonaws.com' }, allowGet)], req: { principal: { arn: 'secretsmanager.amazonaws.com', accountId: ACCOUNT } }, expect: allowed('resource') },
  { name: 'a service principal is not a user', resource: [to({ Service: 'secretsmanager.amazonaws.com' }, allowGet)], expect: implicit('identity') },
];

describe('evaluate()', () => {
  for (const c of cases) {
    it(c.name, () => {
      const identity = (c.identity ?? []).map((s) => policy('identity', s));
      const resource = c.resource ? policy('resource', c.resource) : undefined;
      const d = evaluate(request(c.req ?? {}), { identity, resource });
      const picked: Partial<Decision> = {};
      for (const k of Object.keys(c.expect) as (keyof Decision)[]) (picked as Record<string, unknown>)[k] = d[k];
      assert.deepEqual(picked, c.expect);
      assert.equal(d.reason === 'allowed', d.allowed);
      if (!d.allowed && d.reason === 'implicit-deny') assert.ok(d.missing);
    });
  }
});

describe('decision details', () => {
  it('names the deciding statement with policy name, index and sid', () => {
    const p0 = policy('identity', [allowGet], {}, 'read-app');
    const p1 = policy('identity', [{ ...allowGet, Sid: 'A' }, { ...denyGet, Sid: 'NoProd' }], {}, 'guard');
    const d = evaluate(request(), { identity: [p0, p1] });
    assert.deepEqual(d, {
      allowed: false,
      reason: 'explicit-deny',
      decidingStatement: { policy: 'identity', policyIndex: 1, policyName: 'guard', sid: 'NoProd', index: 1 },
    });
  });
  it('a cross-account grant reports both statements', () => {
    const d = evaluate(request(cross), {
      identity: [policy('identity', [{ ...allowGet, Sid: 'Mine' }])],
      resource: policy('resource', [to({ AWS: OTHER }, { ...allowGet, Sid: 'Theirs' })]),
    });
    assert.deepEqual(d.allowedBy, {
      identity: { policy: 'identity', policyIndex: 0, sid: 'Mine', index: 0 },
      resource: { policy: 'resource', policyIndex: 0, sid: 'Theirs', index: 0 },
    });
  });
  it('a direct resource grant is preferred over a delegation listed earlier', () => {
    const d = evaluate(request(cross), {
      identity: [policy('identity', [allowGet])],
      resource: policy('resource', [to({ AWS: OTHER }, { ...allowGet, Sid: 'Acct' }), to({ AWS: OTHER_USER }, { ...allowGet, Sid: 'Bob' })]),
    });
    assert.equal(d.decidingStatement?.sid, 'Bob');
  });
  it('in a 2008-10-17 policy ${...} is literal text', () => {
    const r = policy('identity', { ...allowGet, Resource: `arn:aws:secretsmanager:*:*:secret:\${aws:username}/*` }, { Version: '2008-10-17' });
    assert.equal(evaluate(request({ resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/x` }), { identity: [r] }).allowed, false);
    assert.equal(evaluate(request({ resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:\${aws:username}/x` }), { identity: [r] }).allowed, true);
  });
  it('refuses policies of the wrong kind rather than ignoring them', () => {
    const asIdentity = policy('identity', [denyGet]);
    const asResource = policy('resource', [to('*', denyGet)]);
    assert.throws(() => evaluate(request(), { identity: [], resource: asIdentity }), /compiled as an identity policy/);
    assert.throws(() => evaluate(request(), { identity: [asResource] }), /holds a resource policy/);
  });
  it('is pure: the same inputs give the same decision and inputs are not modified', () => {
    const identity = [policy('identity', [allowGet])];
    const req = request({ context: { 'aws:SourceIp': '10.0.0.1' } });
    const snapshot = JSON.stringify(req);
    const a = evaluate(req, { identity });
    const b = evaluate(req, { identity });
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(req), snapshot);
  });
});
