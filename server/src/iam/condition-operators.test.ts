// Every condition operator, table-driven: for each one a request value that matches the policy value
// (`yes`), one that does not (`no`), and the same cases with the key absent, with IfExists, with several
// policy values (OR / NOR) and with several request values.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conditionHolds } from './condition-eval.ts';
import { compileConditions } from './parse-condition.ts';
import { RequestContext } from './request-context.ts';
import { ACCOUNT, USER, holds } from './test-support.ts';
import type { ContextValue, PolicyError } from './types.ts';

interface Row {
  op: string;
  negated: boolean;
  policy: string;
  /** Another policy value that `yes` does not match. */
  other: string;
  /** A request value matching `policy` (before negation). */
  yes: string;
  /** A request value matching neither `policy` nor `other`. */
  no: string;
}

const rows: Row[] = [
  { op: 'StringEquals', negated: false, policy: 'abc', other: 'xyz', yes: 'abc', no: 'ABC' },
  { op: 'StringNotEquals', negated: true, policy: 'abc', other: 'xyz', yes: 'abc', no: 'abd' },
  { op: 'StringEqualsIgnoreCase', negated: false, policy: 'abc', other: 'xyz', yes: 'ABC', no: 'abd' },
  { op: 'StringNotEqualsIgnoreCase', negated: true, policy: 'abc', other: 'xyz', yes: 'aBc', no: 'abd' },
  { op: 'StringLike', negated: false, policy: 'a*c', other: 'x?z', yes: 'abbbc', no: 'abd' },
  { op: 'StringNotLike', negated: true, policy: 'a*c', other: 'x?z', yes: 'ac', no: 'xz' },
  { op: 'NumericEquals', negated: false, policy: '10', other: '20', yes: '10.0', no: '11' },
  { op: 'NumericNotEquals', negated: true, policy: '10', other: '20', yes: '10', no: '11' },
  { op: 'NumericLessThan', negated: false, policy: '10', other: '5', yes: '9.5', no: '10' },
  { op: 'NumericLessThanEquals', negated: false, policy: '10', other: '5', yes: '10', no: '10.5' },
  { op: 'NumericGreaterThan', negated: false, policy: '10', other: '20', yes: '11', no: '10' },
  { op: 'NumericGreaterThanEquals', negated: false, policy: '10', other: '20', yes: '10', no: '9' },
  { op: 'DateEquals', negated: false, policy: '2026-01-01T00:00:00Z', other: '2027-01-01T00:00:00Z', yes: '1767225600', no: '2026-01-01T00:00:01Z' },
  { op: 'DateNotEquals', negated: true, policy: '2026-01-01T00:00:00Z', other: '2027-01-01', yes: '2026-01-01', no: '2026-01-02' },
  { op: 'DateLessThan', negated: false, policy: '2026-01-01T00:00:00Z', other: '2020-01-01', yes: '2025-12-31T23:59:59Z', no: '2026-01-01T00:00:00Z' },
  { op: 'DateLessThanEquals', negated: false, policy: '2026-01-01T00:00:00Z', other: '2020-01-01', yes: '2026-01-01T00:00:00Z', no: '2026-01-01T00:00:01Z' },
  { op: 'DateGreaterThan', negated: false, policy: '2026-01-01T00:00:00Z', other: '2030-01-01', yes: '2026-01-01T00:00:01Z', no: '2026-01-01T00:00:00Z' },
  { op: 'DateGreaterThanEquals', negated: false, policy: '2026-01-01T00:00:00Z', other: '2030-01-01', yes: '2026-01-01T01:00:00+01:00', no: '2025-12-31' },
  { op: 'Bool', negated: false, policy: 'true', other: 'true', yes: 'TRUE', no: 'false' },
  { op: 'BinaryEquals', negated: false, policy: 'QUJD', other: 'WFla', yes: 'QUJD', no: 'QUJE' },
  { op: 'IpAddress', negated: false, policy: '203.0.113.0/24', other: '2001:db8::/32', yes: '203.0.113.200', no: '198.51.100.1' },
  { op: 'NotIpAddress', negated: true, policy: '203.0.113.0/24', other: '2001:db8::/32', yes: '203.0.113.200', no: '198.51.100.1' },
  { op: 'ArnEquals', negated: false, policy: `arn:aws:iam::${ACCOUNT}:user/*`, other: 'arn:aws:iam::444455556666:root', yes: USER, no: 'arn:aws:iam::999999999999:user/app' },
  { op: 'ArnLike', negated: false, policy: 'arn:aws:lambda:*:111122223333:function:rotate-?', other: 'arn:aws:lambda:*:*:function:x', yes: 'arn:aws:lambda:us-east-1:111122223333:function:rotate-a', no: 'arn:aws:lambda:us-east-1:111122223333:function:rotate-ab' },
  { op: 'ArnNotEquals', negated: true, policy: `arn:aws:iam::${ACCOUNT}:user/*`, other: 'arn:aws:iam::444455556666:root', yes: USER, no: 'arn:aws:iam::999999999999:user/app' },
  { op: 'ArnNotLike', negated: true, policy: 'arn:aws:secretsmanager:*:*:secret:prod/*', other: 'arn:aws:secretsmanager:*:*:secret:ops/*', yes: 'arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf', no: 'arn:aws:secretsmanager:us-east-1:1:secret:dev/db-AbCdEf' },
];

const KEY = 'aws:Test';

for (const r of rows) {
  describe(r.op, () => {
    const pos = !r.negated;
    it(`request value '${r.yes}' vs policy '${r.policy}' -> ${pos}`, () => assert.equal(holds(r.op, KEY, r.policy, { [KEY]: r.yes }), pos));
    it(`request value '${r.no}' vs policy '${r.policy}' -> ${!pos}`, () => assert.equal(holds(r.op, KEY, r.policy, { [KEY]: r.no }), !pos));
    it(`key absent -> ${r.negated} (negated operators hold when the key is absent)`, () => assert.equal(holds(r.op, KEY, r.policy, {}), r.negated));
    it('IfExists, key absent -> true', () => assert.equal(holds(`${r.op}IfExists`, KEY, r.policy, {}), true));
    it(`IfExists, key present and matching -> ${pos}`, () => assert.equal(holds(`${r.op}IfExists`, KEY, r.policy, { [KEY]: r.yes }), pos));
    it(`IfExists, key present, not matching -> ${!pos}`, () => assert.equal(holds(`${r.op}IfExists`, KEY, r.policy, { [KEY]: r.no }), !pos));
    it(`several policy values are ORed (NOR when negated) -> ${pos}`, () => {
      assert.equal(holds(r.op, KEY, [r.other, r.policy], { [KEY]: r.yes }), pos);
    });
    it(`no policy value matches -> ${!pos}`, () => assert.equal(holds(r.op, KEY, [r.other, r.policy], { [KEY]: r.no }), !pos));
    it(`several request values, one matching, no qualifier -> ${pos}`, () => {
      assert.equal(holds(r.op, KEY, r.policy, { [KEY]: [r.no, r.yes] }), pos);
    });
    it('the key name is case-insensitive', () => assert.equal(holds(r.op, 'AWS:TEST', r.policy, { 'aws:test': r.yes }), pos));
    it('the operator name is case-insensitive', () => assert.equal(holds(r.op.toUpperCase(), KEY, r.policy, { [KEY]: r.yes }), pos));
  });
}

describe('Null', () => {
  const cases: Array<[string, ContextValue, boolean]> = [
    ['true', undefined, true],
    ['true', 'x', false],
    ['true', [], true],
    ['true', '', false],
    ['false', 'x', true],
    ['false', undefined, false],
    ['false', ['a', 'b'], true],
  ];
  for (const [policyValue, ctxValue, expected] of cases) {
    it(`Null ${policyValue} with ${JSON.stringify(ctxValue)} -> ${expected}`, () => {
      assert.equal(holds('Null', KEY, policyValue, ctxValue === undefined ? {} : { [KEY]: ctxValue }), expected);
    });
  }
  it('JSON booleans are accepted', () => assert.equal(holds('Null', KEY, true, {}), true));
  it('["true","false"] holds either way', () => {
    assert.equal(holds('Null', KEY, ['true', 'false'], {}), true);
    assert.equal(holds('Null', KEY, ['true', 'false'], { [KEY]: 'v' }), true);
  });
});

describe('value types and specific operator behaviours', () => {
  it('JSON numbers and booleans in policies compare as their text', () => {
    assert.equal(holds('NumericEquals', KEY, 7, { [KEY]: '7' }), true);
    assert.equal(holds('StringEquals', KEY, 7, { [KEY]: '7' }), true);
    assert.equal(holds('Bool', KEY, true, { [KEY]: 'true' }), true);
    assert.equal(holds('Bool', KEY, false, { [KEY]: 'true' }), false);
  });
  it('an unparseable request value does not match (so a negated operator holds)', () => {
    assert.equal(holds('NumericLessThan', KEY, '10', { [KEY]: 'ten' }), false);
    assert.equal(holds('NumericNotEquals', KEY, '10', { [KEY]: 'ten' }), true);
    assert.equal(holds('DateLessThan', KEY, '2030-01-01', { [KEY]: 'soon' }), false);
    assert.equal(holds('IpAddress', KEY, '0.0.0.0/0', { [KEY]: 'not-an-ip' }), false);
    assert.equal(holds('Bool', KEY, 'true', { [KEY]: 'yes' }), false);
  });
  it('StringEquals treats * literally; StringLike does not', () => {
    assert.equal(holds('StringEquals', KEY, 'a*', { [KEY]: 'abc' }), false);
    assert.equal(holds('StringEquals', KEY, 'a*', { [KEY]: 'a*' }), true);
    assert.equal(holds('StringLike', KEY, 'a*', { [KEY]: 'abc' }), true);
  });
  it('ArnEquals takes wildcards too (IAM: ArnEquals and ArnLike behave the same)', () => {
    assert.equal(holds('ArnEquals', KEY, 'arn:aws:iam::*:user/app', { [KEY]: USER }), true);
  });
  it('Date operators compare aws:EpochTime (epoch seconds) with ISO policy values', () => {
    assert.equal(holds('DateLessThan', 'aws:EpochTime', '2026-01-01T00:00:00Z', { 'aws:EpochTime': '1767225599' }), true);
    assert.equal(holds('DateLessThan', 'aws:EpochTime', '2026-01-01T00:00:00Z', { 'aws:EpochTime': '1767225600' }), false);
  });
  it('IpAddress with IPv6 caller and IPv4-mapped caller', () => {
    assert.equal(holds('IpAddress', 'aws:SourceIp', ['203.0.113.0/24', '2001:db8::/32'], { 'aws:SourceIp': '2001:db8::5' }), true);
    assert.equal(holds('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '::ffff:203.0.113.5' }), true);
  });
  it('policy variables in String and Arn values', () => {
    assert.equal(holds('StringEquals', 'aws:ResourceTag/owner', '${aws:username}', { 'aws:ResourceTag/owner': 'app' }), true);
    assert.equal(holds('StringEquals', 'aws:ResourceTag/owner', '${aws:username}', { 'aws:ResourceTag/owner': 'bob' }), false);
    assert.equal(holds('StringLike', 'secretsmanager:Name', '${aws:PrincipalTag/team}/*', { 'secretsmanager:Name': 'blue/db', 'aws:PrincipalTag/team': 'blue' }), true);
    assert.equal(holds('ArnLike', 'aws:SourceArn', 'arn:aws:iam::*:user/${aws:username}', { 'aws:SourceArn': USER }), true);
  });
  it('several keys under one operator are ANDed', () => {
    const both = (ctx: Record<string, string>) => {
      const errors: PolicyError[] = [];
      const cs = compileConditions({ StringEquals: { 'aws:A': '1', 'aws:B': '2' } }, 'Condition', { variables: true }, errors);
      const c = new RequestContext({ principal: { arn: USER, accountId: ACCOUNT }, action: 'x:y', resource: '*', resourceAccountId: ACCOUNT, context: ctx });
      return cs.every((x) => conditionHolds(x, c));
    };
    assert.equal(both({ 'aws:A': '1', 'aws:B': '2' }), true);
    assert.equal(both({ 'aws:A': '1', 'aws:B': '3' }), false);
    assert.equal(both({ 'aws:A': '1' }), false);
  });
});
