// BlockPublicPolicy's test and ValidateResourcePolicy's findings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grantsPublicAccess, publicAccessFindings } from './public-access.ts';
import { ACCOUNT, GET, SECRET, policy } from './test-support.ts';
import { CHECK_NAMES, validateResourcePolicy } from './validate-resource-policy.ts';

const allow = { Effect: 'Allow', Action: GET, Resource: '*' };
const stmt = (principal: unknown, condition?: unknown, extra: Record<string, unknown> = {}) => ({
  ...allow,
  Principal: principal,
  ...(condition ? { Condition: condition } : {}),
  ...extra,
});

describe('grantsPublicAccess', () => {
  const cases: Array<[string, unknown[], boolean]> = [
    ['Principal "*" without condition', [stmt('*')], true],
    ['{"AWS": "*"} without condition', [stmt({ AWS: '*' })], true],
    ['"*" among other principals', [stmt({ AWS: ['*', ACCOUNT] })], true],
    ['an account', [stmt({ AWS: ACCOUNT })], false],
    ['a user', [stmt({ AWS: `arn:aws:iam::${ACCOUNT}:user/app` })], false],
    ['a service principal', [stmt({ Service: 'secretsmanager.amazonaws.com' })], false],
    ['Deny to "*" only', [{ ...stmt('*'), Effect: 'Deny' }], false],
    ['NotPrincipal with Allow', [{ ...allow, NotPrincipal: { AWS: ACCOUNT } }], true],
    ['"*" narrowed by aws:PrincipalAccount', [stmt('*', { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } })], false],
    ['"*" narrowed by aws:PrincipalOrgID', [stmt('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })], false],
    ['"*" narrowed by aws:PrincipalOrgPaths (ForAnyValue:StringLike, fixed)', [stmt('*', { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': 'o-a/r-b/ou-c/' } })], false],
    ['"*" narrowed by aws:SourceAccount', [stmt('*', { StringEquals: { 'aws:SourceAccount': ACCOUNT } })], false],
    ['"*" narrowed by aws:SourceArn', [stmt('*', { ArnEquals: { 'aws:SourceArn': `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f` } })], false],
    ['"*" narrowed by aws:PrincipalArn', [stmt('*', { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/app` } })], false],
    ['"*" narrowed by aws:SourceVpc', [stmt('*', { StringEquals: { 'aws:SourceVpc': 'vpc-1234' } })], false],
    ['"*" narrowed by aws:SourceVpce', [stmt('*', { StringEquals: { 'aws:SourceVpce': 'vpce-1234' } })], false],
    ['"*" narrowed by aws:SourceIp /24', [stmt('*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })], false],
    ['"*" narrowed by aws:SourceIp /8', [stmt('*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })], false],
    ['"*" with aws:SourceIp 0.0.0.0/0 is public', [stmt('*', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })], true],
    ['"*" with aws:SourceIp 0.0.0.0/1 is public', [stmt('*', { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } })], true],
    ['"*" with aws:SourceIp ::/0 is public', [stmt('*', { IpAddress: { 'aws:SourceIp': '::/0' } })], true],
    ['"*" narrowed by an IPv6 /48', [stmt('*', { IpAddress: { 'aws:SourceIp': '2001:db8:1::/48' } })], false],
    ['"*" with one narrow and one broad block is public', [stmt('*', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '0.0.0.0/0'] } })], true],
    ['"*" with aws:userid fixed', [stmt('*', { StringEquals: { 'aws:userid': 'AIDAEXAMPLE' } })], false],
    ['"*" with aws:userid AROLEID:* is public', [stmt('*', { StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } })], true],
    ['"*" with a wildcard account is public', [stmt('*', { StringLike: { 'aws:PrincipalAccount': '1111*' } })], true],
    ['"*" with a policy variable is public', [stmt('*', { StringEquals: { 'aws:PrincipalAccount': '${aws:PrincipalTag/acct}' } })], true],
    ['"*" with IfExists is public (absent key passes)', [stmt('*', { StringEqualsIfExists: { 'aws:PrincipalAccount': ACCOUNT } })], true],
    ['"*" with ForAllValues is public (absent key passes)', [stmt('*', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgPaths': 'o-a/' } })], true],
    ['"*" with a negated operator is public', [stmt('*', { StringNotEquals: { 'aws:PrincipalAccount': '999999999999' } })], true],
    ['"*" with a non-narrowing key is public', [stmt('*', { Bool: { 'aws:SecureTransport': 'true' } })], true],
    ['"*" with a tag condition is public', [stmt('*', { StringEquals: { 'aws:PrincipalTag/team': 'blue' } })], true],
    ['"*" with Null is public', [stmt('*', { Null: { 'aws:SourceVpc': 'false' } })], true],
    ['a narrowing key next to others still narrows (ANDed)', [stmt('*', { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-1' } })], false],
    ['one public statement among private ones', [stmt({ AWS: ACCOUNT }), stmt('*')], true],
    // "Allow * + Deny unless in my organization": the Deny takes the access back.
    ['"*" taken back by Deny StringNotEquals aws:PrincipalOrgID', [stmt('*'), { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } }], false],
    ['"*" taken back by Deny NotIpAddress', [stmt('*'), { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }], false],
    ['a Deny that covers other actions only does not take it back', [stmt('*'), { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:PutSecretValue', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } }], true],
    ['a Deny on one secret does not take back "*"', [stmt('*'), { Effect: 'Deny', Principal: '*', Action: '*', Resource: SECRET, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } }], true],
    ['a Deny with IfExists does not take it back', [stmt('*'), { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } } }], true],
    ['a Deny with an extra non-narrowing condition does not take it back', [stmt('*'), { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' }, Bool: { 'aws:SecureTransport': 'false' } } }], true],
    ['a Deny to one account does not take it back', [stmt('*'), { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } }], true],
    ['an Allow NotAction needs a Deny on "*" to be taken back', [{ ...stmt('*'), Action: undefined, NotAction: 'secretsmanager:Delete*' }, { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } }], true],
  ];
  for (const [what, statements, expected] of cases) {
    it(`${what} -> ${expected ? 'public' : 'not public'}`, () => {
      const clean = statements.map((s) => JSON.parse(JSON.stringify(s)));
      assert.equal(grantsPublicAccess(policy('resource', clean)), expected);
    });
  }

  it('identity policies are never "public"', () => {
    assert.equal(grantsPublicAccess(policy('identity', [{ Effect: 'Allow', Action: '*', Resource: '*' }])), false);
  });

  it('findings name the statement, its Sid, the actions and the principal', () => {
    const findings = publicAccessFindings(policy('resource', [stmt({ AWS: ACCOUNT }), { ...stmt('*'), Sid: 'Open', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] }]));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].statementIndex, 1);
    assert.equal(findings[0].sid, 'Open');
    assert.equal(
      findings[0].message,
      `Statement[1] (Sid 'Open') allows secretsmanager:GetSecretValue, secretsmanager:DescribeSecret to any principal ("*") without a condition that limits it to known accounts, organizations, networks or source resources (e.g. StringEquals on aws:PrincipalAccount or aws:PrincipalOrgID, IpAddress on aws:SourceIp)`,
    );
  });
});

describe('validateResourcePolicy', () => {
  it('a private policy passes', () => {
    const r = validateResourcePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [stmt({ AWS: ACCOUNT })] }));
    assert.equal(r.policyValidationPassed, true);
    assert.deepEqual(r.validationErrors, []);
    assert.ok(r.policy);
  });
  it('a public policy fails with one BROAD_ACCESS entry per public statement', () => {
    const r = validateResourcePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [stmt('*'), stmt({ AWS: '*' })] }));
    assert.equal(r.policyValidationPassed, false);
    assert.deepEqual(r.validationErrors.map((e) => e.checkName), [CHECK_NAMES.broadAccess, CHECK_NAMES.broadAccess]);
    assert.ok(r.policy, 'the grammar is valid, so the compiled policy is returned');
  });
  it('invalid JSON fails with one JSON_SYNTAX entry', () => {
    const r = validateResourcePolicy('{"Version": ');
    assert.equal(r.policyValidationPassed, false);
    assert.deepEqual(r.validationErrors, [{ checkName: 'JSON_SYNTAX', errorMessage: "The policy is not valid JSON: Unexpected end of input, expected a value at line 1, column 13" }]);
    assert.equal(r.policy, undefined);
  });
  it('grammar errors fail with one POLICY_GRAMMAR entry each', () => {
    const r = validateResourcePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ ...allow, Effect: 'Alow' }] }));
    assert.equal(r.policyValidationPassed, false);
    assert.deepEqual(r.validationErrors, [
      { checkName: 'POLICY_GRAMMAR', errorMessage: "Statement[0].Effect must be Allow or Deny, got 'Alow'" },
      { checkName: 'POLICY_GRAMMAR', errorMessage: 'Statement[0] must have a Principal or a NotPrincipal in a resource-based policy' },
    ]);
  });
});
