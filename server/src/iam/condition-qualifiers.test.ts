// ForAnyValue / ForAllValues over multivalued keys, with positive and negated operators, absent and empty
// keys, and IfExists. Policy values are ["a", "b"] throughout; the request sets vary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { holds } from './test-support.ts';
import { compileConditions } from './parse-condition.ts';
import type { ContextValue, PolicyError } from './types.ts';

type Set_ = 'absent' | string[];
const sets: Set_[] = ['absent', [], ['a'], ['a', 'b'], ['a', 'c'], ['c'], ['c', 'd']];

// Expected results in the order of `sets`.
const table: Array<[string, boolean[]]> = [
  ['ForAllValues:StringEquals', [true, true, true, true, false, false, false]],
  ['ForAnyValue:StringEquals', [false, false, true, true, true, false, false]],
  ['ForAllValues:StringNotEquals', [true, true, false, false, false, true, true]],
  ['ForAnyValue:StringNotEquals', [false, false, false, false, true, true, true]],
  ['ForAllValues:StringEqualsIfExists', [true, true, true, true, false, false, false]],
  ['ForAnyValue:StringEqualsIfExists', [true, true, true, true, true, false, false]],
  ['ForAllValues:StringNotEqualsIfExists', [true, true, false, false, false, true, true]],
  ['ForAnyValue:StringNotEqualsIfExists', [true, true, false, false, true, true, true]],
  ['StringEquals', [false, false, true, true, true, false, false]],
  ['StringNotEquals', [true, true, false, false, false, true, true]],
  ['StringEqualsIfExists', [true, true, true, true, true, false, false]],
  ['StringNotEqualsIfExists', [true, true, false, false, false, true, true]],
  ['ForAllValues:StringEqualsIgnoreCase', [true, true, true, true, false, false, false]],
  ['ForAnyValue:StringNotEqualsIgnoreCase', [false, false, false, false, true, true, true]],
  ['ForAllValues:StringLike', [true, true, true, true, false, false, false]],
  ['ForAnyValue:StringLike', [false, false, true, true, true, false, false]],
  ['ForAllValues:StringNotLike', [true, true, false, false, false, true, true]],
  ['ForAnyValue:StringNotLike', [false, false, false, false, true, true, true]],
];

describe('set qualifiers over aws:TagKeys, policy values ["a", "b"]', () => {
  for (const [operator, expected] of table) {
    sets.forEach((set, i) => {
      const label = set === 'absent' ? 'key absent' : JSON.stringify(set);
      it(`${operator} with ${label} -> ${expected[i]}`, () => {
        const ctx: Record<string, ContextValue> = set === 'absent' ? {} : { 'aws:TagKeys': set };
        assert.equal(holds(operator, 'aws:TagKeys', ['a', 'b'], ctx), expected[i]);
      });
    });
  }
});

describe('set qualifiers with the other operator families', () => {
  const cases: Array<[string, unknown, ContextValue, boolean]> = [
    ['ForAnyValue:ArnLike', 'arn:aws:iam::*:user/a*', ['arn:aws:iam::1:user/bob', 'arn:aws:iam::1:user/alice'], true],
    ['ForAllValues:ArnLike', 'arn:aws:iam::*:user/a*', ['arn:aws:iam::1:user/bob', 'arn:aws:iam::1:user/alice'], false],
    ['ForAllValues:ArnNotLike', 'arn:aws:iam::*:user/a*', ['arn:aws:iam::1:user/bob'], true],
    ['ForAnyValue:IpAddress', '10.0.0.0/8', ['192.0.2.1', '10.1.2.3'], true],
    ['ForAllValues:IpAddress', '10.0.0.0/8', ['192.0.2.1', '10.1.2.3'], false],
    ['ForAllValues:NotIpAddress', '10.0.0.0/8', ['192.0.2.1', '198.51.100.1'], true],
    ['ForAllValues:NumericLessThan', '10', ['1', '2', '9'], true],
    ['ForAllValues:NumericLessThan', '10', ['1', '20'], false],
    ['ForAnyValue:NumericGreaterThan', '10', ['1', '20'], true],
    ['ForAnyValue:NumericNotEquals', '10', ['10', '10'], false],
    ['ForAnyValue:DateLessThan', '2026-01-01', ['2030-01-01', '2020-01-01'], true],
    ['ForAllValues:DateLessThan', '2026-01-01', ['2030-01-01', '2020-01-01'], false],
    ['ForAllValues:Bool', 'true', ['true', 'TRUE'], true],
    ['ForAnyValue:Bool', 'true', ['false'], false],
    ['ForAnyValue:StringEquals', 'a', 'a', true], // a single string is a one-element set
    ['ForAllValues:StringEquals', 'a', 'b', false],
    ['ForAnyValue:Null', 'true', undefined, true], // Null ignores the qualifier
    ['ForAllValues:Null', 'false', ['x'], true],
  ];
  for (const [operator, policyValue, ctxValue, expected] of cases) {
    it(`${operator} ${JSON.stringify(policyValue)} with ${JSON.stringify(ctxValue)} -> ${expected}`, () => {
      assert.equal(holds(operator, 'aws:Test', policyValue, ctxValue === undefined ? {} : { 'aws:Test': ctxValue }), expected);
    });
  }

  it('qualifier names are case-insensitive', () => {
    assert.equal(holds('forallvalues:stringequals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': ['a'] }), true);
    assert.equal(holds('FORANYVALUE:StringEquals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': ['c'] }), false);
  });
});

describe('operator names that do not parse', () => {
  const cases: Array<[string, RegExp]> = [
    ['StringEqual', /unknown condition operator 'StringEqual'; did you mean 'StringEquals'\?/],
    ['StringEqualsIfExist', /unknown condition operator 'StringEqualsIfExist'; did you mean 'StringEqualsIfExists'\?/],
    ['NumericEqual', /did you mean 'NumericEquals'\?/],
    ['IPAddres', /did you mean 'IpAddress'\?/],
    ['Frobnicate', /unknown condition operator 'Frobnicate'$/],
    ['ForSomeValues:StringEquals', /unknown set qualifier 'ForSomeValues:'/],
    ['ForAnyValue:Nope', /unknown condition operator 'ForAnyValue:Nope'/],
    ['NullIfExists', /'NullIfExists' is not an operator: Null already tests whether the key exists/],
    ['', /unknown condition operator ''/],
  ];
  for (const [operator, message] of cases) {
    it(`'${operator}' is refused`, () => {
      const errors: PolicyError[] = [];
      compileConditions({ [operator]: { 'aws:Test': 'x' } }, 'Statement[0].Condition', { variables: true }, errors);
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, message);
      assert.equal(errors[0].path, `Statement[0].Condition.${operator}`);
    });
  }
});
