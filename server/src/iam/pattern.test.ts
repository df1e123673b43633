import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileArnPattern, isArnLike, splitArn } from './arn-pattern.ts';
import { compilePattern, staticPattern, NO_CONTEXT } from './pattern.ts';
import type { ContextLookup } from './types.ts';

function ctxOf(values: Record<string, string | string[]>): ContextLookup {
  const map = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? [v] : v]));
  return {
    values: (k) => map.get(k.toLowerCase()),
    single: (k) => {
      const v = map.get(k.toLowerCase());
      return v && v.length === 1 ? v[0] : undefined;
    },
  };
}

describe('wildcards (StringLike semantics)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true],
    ['*', 'anything at all', true],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['abc', 'ABC', false],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['*c', 'abd', false],
    ['a*c', 'ac', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'abbbd', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['??', 'ab', true],
    ['??', 'a', false],
    ['a*b*c', 'a-b-c', true],
    ['a*b*c', 'a-c-b', false],
    ['app/*', 'app/db/prod', true],
    ['*/*', 'a/b', true],
    ['*/*', 'ab', false],
    ['a.c', 'abc', false], // regex metacharacters are literal
    ['a+c', 'a+c', true],
    ['(x)', '(x)', true],
    ['[ab]', 'a', false],
    ['^a$', '^a$', true],
    ['a\\b', 'a\\b', true],
    ['*', 'line1\nline2', true],
    ['x?y', 'x\ny', true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`'${pattern}' ${expected ? 'matches' : 'does not match'} '${value.replace('\n', '\\n')}'`, () => {
      const r = compilePattern(pattern, { wildcards: true, variables: false, ignoreCase: false });
      assert.ok(r.ok);
      assert.equal(r.pattern.test(value, NO_CONTEXT), expected);
    });
  }

  it('without wildcards, * and ? are plain characters (StringEquals)', () => {
    const r = compilePattern('a*?', { wildcards: false, variables: false, ignoreCase: false });
    assert.ok(r.ok);
    assert.equal(r.pattern.test('a*?', NO_CONTEXT), true);
    assert.equal(r.pattern.test('abc', NO_CONTEXT), false);
    assert.equal(r.pattern.hasWildcard, false);
  });

  it('ignoreCase compares case-insensitively, with and without wildcards', () => {
    const exact = staticPattern('Secret', { wildcards: false, ignoreCase: true });
    assert.equal(exact('sECRET'), true);
    const like = staticPattern('Sec*', { wildcards: true, ignoreCase: true });
    assert.equal(like('secret'), true);
    const re = staticPattern('S?c*T', { wildcards: true, ignoreCase: true });
    assert.equal(re('secret'), true);
  });
});

describe('actions are case-insensitive (compiled lower-case against lower-cased requests)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['secretsmanager:GetSecretValue', 'secretsmanager:getsecretvalue', true],
    ['SecretsManager:GETSECRETVALUE', 'secretsmanager:getsecretvalue', true],
    ['secretsmanager:Get*', 'secretsmanager:getsecretvalue', true],
    ['secretsmanager:Get*', 'secretsmanager:putsecretvalue', false],
    ['secretsmanager:*', 'secretsmanager:deletesecret', true],
    ['secretsmanager:*', 'kms:decrypt', false],
    ['secretsmanager:?etSecretValue', 'secretsmanager:getsecretvalue', true],
    ['secretsmanager:*Secret*', 'secretsmanager:listsecretversionids', true],
    ['*', 'kms:decrypt', true],
  ];
  for (const [pattern, action, expected] of cases) {
    it(`${pattern} vs ${action}: ${expected}`, () => {
      assert.equal(staticPattern(pattern.toLowerCase(), { wildcards: true, ignoreCase: false })(action), expected);
    });
  }
});

describe('policy variables', () => {
  const ctx = ctxOf({ 'aws:username': 'app', 'aws:PrincipalTag/team': 'blue', 'aws:TagKeys': ['a', 'b'] });
  const cases: Array<[string, string, boolean, string]> = [
    ['${aws:username}', 'app', true, 'a variable is replaced by the request value'],
    ['${AWS:UserName}', 'app', true, 'variable key names are case-insensitive'],
    ['team-${aws:PrincipalTag/team}-*', 'team-blue-db', true, 'variables combine with text and wildcards'],
    ['team-${aws:PrincipalTag/team}-*', 'team-red-db', false, 'the substituted value must match'],
    ["${aws:PrincipalTag/missing, 'shared'}/*", 'shared/x', true, 'a default applies when the key is absent'],
    ["${aws:username, 'shared'}", 'app', true, 'the default is ignored when the key is present'],
    ['${aws:PrincipalTag/missing}', '', false, 'an absent key without default matches nothing, not even empty'],
    ['${aws:TagKeys}', 'a', false, 'a multivalued key is not a usable variable'],
    ['${*}', '*', true, '${*} is a literal star'],
    ['${*}', 'x', false, '${*} is not a wildcard'],
    ['a${?}', 'a?', true, '${?} is a literal question mark'],
    ['${$}{x}', '${x}', true, '${$} is a literal dollar'],
  ];
  for (const [pattern, value, expected, why] of cases) {
    it(why, () => {
      const r = compilePattern(pattern, { wildcards: true, variables: true, ignoreCase: false });
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.pattern.test(value, ctx), expected);
    });
  }

  it('a substituted value is literal text, never a wildcard', () => {
    const r = compilePattern('${aws:username}', { wildcards: true, variables: true, ignoreCase: false });
    assert.ok(r.ok);
    assert.equal(r.pattern.test('xyz', ctxOf({ 'aws:username': '*' })), false);
    assert.equal(r.pattern.test('*', ctxOf({ 'aws:username': '*' })), true);
  });

  it('with variables off (Version 2008-10-17) ${...} is plain text', () => {
    const r = compilePattern('${aws:username}', { wildcards: true, variables: false, ignoreCase: false });
    assert.ok(r.ok);
    assert.equal(r.pattern.test('${aws:username}', ctx), true);
    assert.equal(r.pattern.test('app', ctx), false);
  });

  it('malformed variables are errors that say what is wrong', () => {
    const opts = { wildcards: true, variables: true, ignoreCase: false };
    const unterminated = compilePattern('x${aws:username', opts);
    assert.ok(!unterminated.ok);
    assert.match(unterminated.error, /unterminated policy variable/);
    const notAKey = compilePattern('${username}', opts);
    assert.ok(!notAKey.ok);
    assert.match(notAKey.error, /'\$\{username\}' is not a policy variable/);
  });
});

describe('ARN patterns (component by component, case-sensitive)', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf';
  const cases: Array<[string, string, boolean]> = [
    ['*', arn, true],
    [arn, arn, true],
    [arn.toUpperCase(), arn, false],
    ['arn:aws:secretsmanager:us-east-1:111122223333:secret:app/*', arn, true],
    ['arn:aws:secretsmanager:*:111122223333:secret:*', arn, true],
    ['arn:aws:secretsmanager:*:*:*', arn, true],
    ['arn:aws:secretsmanager:us-west-2:111122223333:secret:*', arn, false],
    ['arn:aws:secretsmanager:us-east-1:444455556666:secret:*', arn, false],
    ['arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-??????', arn, true],
    ['arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-?????', arn, false],
    ['arn:aws:secretsmanager:us-east-1:111122223333:secret:App/*', arn, false],
    ['arn:aws:*:us-east-1:111122223333:secret:app/*', arn, true],
    // `*` stays inside its component: the region wildcard cannot swallow the account.
    ['arn:aws:secretsmanager:*:secret:app/db-AbCdEf', arn, false],
    ['arn:aws:kms:us-east-1:111122223333:key/*', arn, false],
    // Six components with wildcards (one RegExp): `*` and `?` in the first five never cross a `:`, in the
    // sixth they do; `${*}` is a literal star; RegExp characters in the text are plain text.
    ['arn:aws:secretsmanager:us-*:111122223333:secret:*', 'arn:aws:secretsmanager:us-east-1:x:111122223333:secret:a', false],
    ['arn:aws:secretsmanager:us-east-?:111122223333:secret:*', arn, true],
    ['arn:aws:secretsmanager:us-east-1?:111122223333:secret:*', 'arn:aws:secretsmanager:us-east-1::111122223333:secret:a', false],
    ['arn:aws:secretsmanager:*:*:secret:app/*', `${arn}:more:colons`, true],
    ['arn:aws:secretsmanager:*:*:secret:app/db?AbCdEf', arn, true],
    ['arn:aws:secretsmanager:*:*:secret:app/db-AbCdE?:x', `${arn}:x`, true],
    ['arn:aws:secretsmanager:*:*:secret:app/${*}', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:app/*', true],
    ['arn:aws:secretsmanager:*:*:secret:app/${*}', arn, false],
    ['arn:aws:secretsmanager:*:*:secret:a.p/(x)+*', 'arn:aws:secretsmanager:r:1:secret:a.p/(x)+y', true],
    ['arn:aws:secretsmanager:*:*:secret:a.p/(x)+*', 'arn:aws:secretsmanager:r:1:secret:axp/(x)+y', false],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'}`, () => {
      const r = compileArnPattern(pattern, { variables: true });
      assert.ok(r.ok);
      assert.equal(r.pattern.test(value, NO_CONTEXT), expected);
    });
  }

  it('the sixth component keeps its colons; variables are not split at their own colon', () => {
    assert.deepEqual(splitArn('arn:aws:s:r:a:secret:x:y'), ['arn', 'aws', 's', 'r', 'a', 'secret:x:y']);
    assert.deepEqual(splitArn('arn:aws:s:r:a:${aws:username}/*', true), ['arn', 'aws', 's', 'r', 'a', '${aws:username}/*']);
    assert.deepEqual(splitArn('arn:aws:s:${aws:x}:a:b', true).length, 6);
    const r = compileArnPattern('arn:aws:secretsmanager:*:*:secret:${aws:username}-*', { variables: true });
    assert.ok(r.ok);
    assert.equal(r.pattern.test('arn:aws:secretsmanager:us-east-1:1:secret:app-AbCdEf', ctxOf({ 'aws:username': 'app' })), true);
    assert.equal(r.pattern.test('arn:aws:secretsmanager:us-east-1:1:secret:other-AbCdEf', ctxOf({ 'aws:username': 'app' })), false);
  });

  it('isArnLike: six components, starting with arn:', () => {
    assert.equal(isArnLike('arn:aws:secretsmanager:us-east-1:1:secret:x'), true);
    assert.equal(isArnLike('arn:aws:s3:::bucket'), true);
    assert.equal(isArnLike('arn:aws:secretsmanager:*'), false);
    assert.equal(isArnLike('aws:secretsmanager:a:b:c:d'), false);
  });
});
