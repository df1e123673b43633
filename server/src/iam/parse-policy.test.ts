// Policy grammar: what compiles, and for what does not, the exact messages (what is wrong and where).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, formatPolicyErrors, parsePolicy } from './parse-policy.ts';
import type { PolicyKind } from './types.ts';

const V = '2012-10-17';
const S = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:app-AbCdEf';
const allow = { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: S };
const allowTo = { ...allow, Principal: { AWS: 'arn:aws:iam::111122223333:user/app' } };

function messages(doc: unknown, kind: PolicyKind = 'identity'): string[] {
  const r = typeof doc === 'string' ? parsePolicy(doc, { kind }) : compilePolicy(doc, { kind });
  return r.ok ? [] : r.errors.map((e) => e.message);
}

describe('documents that compile', () => {
  const good: Array<[string, unknown, PolicyKind]> = [
    ['a single statement object', { Version: V, Statement: allow }, 'identity'],
    ['a statement list', { Version: V, Statement: [allow, { ...allow, Effect: 'Deny' }] }, 'identity'],
    ['Version 2008-10-17', { Version: '2008-10-17', Statement: allow }, 'identity'],
    ['no Version (read as 2008-10-17)', { Statement: allow }, 'identity'],
    ['an Id', { Version: V, Id: 'my-policy', Statement: allow }, 'identity'],
    ['lists of actions and resources', { Version: V, Statement: { ...allow, Action: ['secretsmanager:Get*', 'kms:Decrypt'], Resource: [S, '*'] } }, 'identity'],
    ['NotAction and NotResource', { Version: V, Statement: { Effect: 'Deny', NotAction: 'secretsmanager:Describe*', NotResource: S } }, 'identity'],
    ['Action "*"', { Version: V, Statement: { ...allow, Action: '*' } }, 'identity'],
    ['an alphanumeric Sid', { Version: V, Statement: { ...allow, Sid: 'ReadApp1' } }, 'identity'],
    ['an empty Sid', { Version: V, Statement: [{ ...allow, Sid: '' }, { ...allow, Sid: '' }] }, 'identity'],
    ['a resource policy with Principal "*"', { Version: V, Statement: { ...allow, Principal: '*' } }, 'resource'],
    ['a resource policy with an account id', { Version: V, Statement: { ...allow, Principal: { AWS: '444455556666' } } }, 'resource'],
    ['a resource policy with several principal types', { Version: V, Statement: { ...allow, Principal: { AWS: ['arn:aws:iam::444455556666:root', 'arn:aws:iam::444455556666:user/path/bob', 'arn:aws:sts::444455556666:assumed-role/r/s', 'arn:aws:iam::444455556666:role/r'], Service: 'secretsmanager.amazonaws.com', Federated: 'cognito-identity.amazonaws.com', CanonicalUser: 'abc' } } }, 'resource'],
    ['NotPrincipal', { Version: V, Statement: { ...allow, Effect: 'Deny', NotPrincipal: { AWS: ['arn:aws:iam::444455556666:user/bob', '444455556666'] } } }, 'resource'],
    ['a resource-policy Sid with spaces', { Version: V, Statement: { ...allowTo, Sid: 'Let the app read' } }, 'resource'],
    ['conditions of every family', {
      Version: V,
      Statement: {
        ...allow,
        Condition: {
          StringEquals: { 'aws:PrincipalTag/team': 'blue' },
          'ForAnyValue:StringLike': { 'aws:TagKeys': ['team*', 'cost?'] },
          NumericLessThanEquals: { 'secretsmanager:RecoveryWindowInDays': 30 },
          DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
          Bool: { 'aws:SecureTransport': true },
          IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] },
          ArnLikeIfExists: { 'secretsmanager:RotationLambdaARN': 'arn:aws:lambda:*:*:function:rotate-*' },
          Null: { 'secretsmanager:AddReplicaRegions': 'true' },
          BinaryEquals: { 'aws:Blob': 'QUJD' },
        },
      },
    }, 'identity'],
    ['a condition key with spaces in its tag part', { Version: V, Statement: { ...allow, Condition: { StringEquals: { 'aws:ResourceTag/Cost Center': 'x' } } } }, 'identity'],
    ['an empty Condition block', { Version: V, Statement: { ...allow, Condition: {} } }, 'identity'],
    ['variables in a 2012-10-17 resource', { Version: V, Statement: { ...allow, Resource: 'arn:aws:secretsmanager:*:*:secret:${aws:username}/*' } }, 'identity'],
    ['"${" as plain text in a 2008-10-17 policy', { Version: '2008-10-17', Statement: { ...allow, Resource: 'arn:aws:secretsmanager:*:*:secret:${oops' } }, 'identity'],
  ];
  for (const [what, doc, kind] of good) {
    it(what, () => assert.deepEqual(messages(doc, kind), []));
  }

  it('compiles statements in order, with sids, effects and split allow/deny lists', () => {
    const r = compilePolicy({ Version: V, Statement: [{ ...allow, Sid: 'A' }, { ...allow, Sid: 'B', Effect: 'Deny' }] }, { kind: 'identity', name: 'inline-1' });
    assert.ok(r.ok);
    assert.equal(r.policy.name, 'inline-1');
    assert.deepEqual(r.policy.statements.map((s) => [s.index, s.sid, s.effect]), [[0, 'A', 'Allow'], [1, 'B', 'Deny']]);
    assert.deepEqual(r.policy.allows.map((s) => s.sid), ['A']);
    assert.deepEqual(r.policy.denies.map((s) => s.sid), ['B']);
    assert.equal(r.policy.version, V);
  });
  it('a document without Version is 2008-10-17', () => {
    const r = compilePolicy({ Statement: allow }, { kind: 'identity' });
    assert.ok(r.ok);
    assert.equal(r.policy.version, '2008-10-17');
  });
});

describe('malformed documents and their messages', () => {
  const bad: Array<[string, unknown, PolicyKind, string[]]> = [
    ['empty text', '   ', 'identity', ['The policy document is empty']],
    ['not JSON', '{"Version": "2012-10-17",\n  "Statement": [}', 'identity', ["The policy is not valid JSON: Unexpected '}', expected a value at line 2, column 17"]],
    ['trailing comma', '{"Statement": {"Effect": "Allow",}}', 'identity', ["The policy is not valid JSON: Unexpected '}', expected a quoted key at line 1, column 34"]],
    ['duplicate keys', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEquals":{"aws:x":"1"},"StringEquals":{"aws:y":"2"}}}}', 'identity',
      ['The policy is not valid JSON: Duplicate key "StringEquals" (JSON keeps only the last one, so the first would be silently ignored) at line 1, column 127']],
    ['text after the document', '{"Statement": []} x', 'identity', ["The policy is not valid JSON: Unexpected 'x' after the end of the document at line 1, column 19"]],
    ['an array at the top', [], 'identity', ['The policy must be a JSON object with Version and Statement, got an array']],
    ['a string at the top', '"policy"', 'identity', ['The policy must be a JSON object with Version and Statement, got string']],
    ['no Statement', { Version: V }, 'identity', ['The policy must have a Statement']],
    ['an empty Statement list', { Version: V, Statement: [] }, 'identity', ['Statement must list at least one statement, got an empty list']],
    ['an unknown Version', { Version: '2012-10-18', Statement: allow }, 'identity', ['Version must be "2012-10-17" or "2008-10-17", got "2012-10-18"']],
    ['a numeric Version', { Version: 2012, Statement: allow }, 'identity', ['Version must be "2012-10-17" or "2008-10-17", got 2012']],
    ['a misspelt top-level element', { version: V, Statement: allow }, 'identity', ["version: unknown top-level element 'version'; did you mean 'Version'?"]],
    ['an unknown top-level element', { Version: V, Statement: allow, Extra: 1 }, 'identity', ["Extra: unknown top-level element 'Extra' (a policy has Version, Id and Statement)"]],
    ['a non-string Id', { Version: V, Id: 5, Statement: allow }, 'identity', ['Id must be a string, got 5']],
    ['a statement that is not an object', { Version: V, Statement: ['Allow'] }, 'identity', ['Statement[0] must be an object, got "Allow"']],
    ['a misspelt Effect', { Version: V, Statement: [allow, { ...allow, Effect: 'Alow' }] }, 'identity', ["Statement[1].Effect must be Allow or Deny, got 'Alow'"]],
    ['a lower-case Effect', { Version: V, Statement: { ...allow, Effect: 'allow' } }, 'identity', ["Statement.Effect must be Allow or Deny, got 'allow'"]],
    ['no Effect', { Version: V, Statement: [{ Action: 'a:b', Resource: '*' }] }, 'identity', ['Statement[0] must have an Effect (Allow or Deny)']],
    ['no Action', { Version: V, Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'identity', ['Statement[0] must have an Action or a NotAction']],
    ['Action and NotAction', { Version: V, Statement: [{ ...allow, NotAction: 'a:b' }] }, 'identity', ['Statement[0] has both Action and NotAction; use one of them']],
    ['no Resource', { Version: V, Statement: [{ Effect: 'Allow', Action: 'a:b' }] }, 'identity', ['Statement[0] must have a Resource or a NotResource']],
    ['Resource and NotResource', { Version: V, Statement: [{ ...allow, NotResource: '*' }] }, 'identity', ['Statement[0] has both Resource and NotResource; use one of them']],
    ['an action without service', { Version: V, Statement: [{ ...allow, Action: 'GetSecretValue' }] }, 'identity', ["Statement[0].Action: 'GetSecretValue' must be prefixed by its service, e.g. secretsmanager:GetSecretValue"]],
    ['an action with bad characters', { Version: V, Statement: [{ ...allow, Action: ['secretsmanager:Get Secret'] }] }, 'identity', ["Statement[0].Action: 'secretsmanager:Get Secret' is not an action (expected service:ActionName, with * or ? as wildcards)"]],
    ['an empty action list', { Version: V, Statement: [{ ...allow, Action: [] }] }, 'identity', ['Statement[0].Action must list at least one action, got an empty list']],
    ['a non-string action', { Version: V, Statement: [{ ...allow, Action: ['a:b', 7] }] }, 'identity', ['Statement[0].Action[1] must be a non-empty string (action), got 7']],
    ['a resource that is not an ARN', { Version: V, Statement: [{ ...allow, Resource: 'my-secret' }] }, 'identity', [`Statement[0].Resource: 'my-secret' must be "*" or an ARN (arn:partition:service:region:account:resource)`]],
    ['a truncated ARN', { Version: V, Statement: [{ ...allow, Resource: 'arn:aws:secretsmanager:*' }] }, 'identity', [`Statement[0].Resource: 'arn:aws:secretsmanager:*' must be "*" or an ARN (arn:partition:service:region:account:resource)`]],
    ['a broken policy variable', { Version: V, Statement: [{ ...allow, Resource: 'arn:aws:secretsmanager:*:*:secret:${aws:username' }] }, 'identity', ["Statement[0].Resource: unterminated policy variable starting at '${aws:username'"]],
    ['a misspelt element', { Version: V, Statement: [{ ...allow, condition: {} }] }, 'identity', ["Statement[0].condition: unknown element 'condition'; did you mean 'Condition'?"]],
    ['an unknown element', { Version: V, Statement: [{ ...allow, Priority: 1 }] }, 'identity', ["Statement[0].Priority: unknown element 'Priority' (a statement has Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)"]],
    ['a non-alphanumeric Sid in an identity policy', { Version: V, Statement: [{ ...allow, Sid: 'read app' }] }, 'identity', ["Statement[0].Sid must be alphanumeric in an identity-based policy, got 'read app'"]],
    ['a non-string Sid', { Version: V, Statement: [{ ...allow, Sid: 1 }] }, 'identity', ['Statement[0].Sid must be a string, got 1']],
    ['duplicate Sids', { Version: V, Statement: [{ ...allow, Sid: 'A' }, { ...allow, Sid: 'B' }, { ...allow, Sid: 'A' }] }, 'identity', ["Statement[2].Sid 'A' repeats the Sid of Statement[0]; Sids must be unique in a policy"]],
    ['a Principal in an identity policy', { Version: V, Statement: [allowTo] }, 'identity', ['Statement[0].Principal is not allowed in an identity-based policy (it applies to the user it is attached to)']],
    ['no Principal in a resource policy', { Version: V, Statement: [allow] }, 'resource', ['Statement[0] must have a Principal or a NotPrincipal in a resource-based policy']],
    ['Principal and NotPrincipal', { Version: V, Statement: [{ ...allowTo, NotPrincipal: '*' }] }, 'resource', ['Statement[0] has both Principal and NotPrincipal; use one of them']],
    ['a bare ARN as Principal', { Version: V, Statement: [{ ...allow, Principal: 'arn:aws:iam::111122223333:root' }] }, 'resource', ['Statement[0].Principal must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:user/name"}, got "arn:aws:iam::111122223333:root"']],
    ['a partial wildcard principal', { Version: V, Statement: [{ ...allow, Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }] }, 'resource', [`Statement[0].Principal.AWS: 'arn:aws:iam::111122223333:user/*' has a wildcard; a principal is "*" or exact (use a Condition on aws:PrincipalArn to match a pattern)`]],
    ['a bad account id', { Version: V, Statement: [{ ...allow, Principal: { AWS: '12345' } }] }, 'resource', [`Statement[0].Principal.AWS: '12345' is not a principal (expected "*", a 12-digit account id, or an IAM user/role ARN such as arn:aws:iam::111122223333:user/name)`]],
    ['a group as principal', { Version: V, Statement: [{ ...allow, Principal: { AWS: 'arn:aws:iam::111122223333:group/devs' } }] }, 'resource', [`Statement[0].Principal.AWS: 'arn:aws:iam::111122223333:group/devs' is not a principal (expected "*", a 12-digit account id, or an IAM user/role ARN such as arn:aws:iam::111122223333:user/name)`]],
    ['a misspelt principal type', { Version: V, Statement: [{ ...allow, Principal: { aws: '*' } }] }, 'resource', ["Statement[0].Principal.aws: unknown principal type 'aws'; did you mean 'AWS'?"]],
    ['an unknown principal type', { Version: V, Statement: [{ ...allow, Principal: { User: 'bob' } }] }, 'resource', ["Statement[0].Principal.User: unknown principal type 'User' (expected AWS, Service, Federated or CanonicalUser)"]],
    ['an empty principal object', { Version: V, Statement: [{ ...allow, Principal: {} }] }, 'resource', ['Statement[0].Principal must name at least one principal type (AWS, Service, Federated, CanonicalUser)']],
    ['an empty principal list', { Version: V, Statement: [{ ...allow, Principal: { AWS: [] } }] }, 'resource', ['Statement[0].Principal.AWS must name at least one principal, got an empty list']],
    ['a bad service principal', { Version: V, Statement: [{ ...allow, Principal: { Service: 'secrets manager' } }] }, 'resource', ["Statement[0].Principal.Service: 'secrets manager' is not a service principal (e.g. secretsmanager.amazonaws.com)"]],
    ['a Condition that is not an object', { Version: V, Statement: [{ ...allow, Condition: 'true' }] }, 'identity', ['Statement[0].Condition must be an object of condition operators, got string "true"']],
    ['an unknown operator', { Version: V, Statement: [{ ...allow, Condition: { StringEqual: { 'aws:x': 'y' } } }] }, 'identity', ["Statement[0].Condition.StringEqual: unknown condition operator 'StringEqual'; did you mean 'StringEquals'?"]],
    ['an operator without keys', { Version: V, Statement: [{ ...allow, Condition: { StringEquals: {} } }] }, 'identity', ['Statement[0].Condition.StringEquals must name at least one condition key']],
    ['an operator whose value is a string', { Version: V, Statement: [{ ...allow, Condition: { StringEquals: 'aws:x' } }] }, 'identity', ['Statement[0].Condition.StringEquals must be an object of condition keys, got string "aws:x"']],
    ['a key without service prefix', { Version: V, Statement: [{ ...allow, Condition: { StringEquals: { SourceIp: 'x' } } }] }, 'identity', ["Statement[0].Condition.StringEquals.SourceIp: 'SourceIp' is not a condition key (expected service:Name, e.g. aws:SourceIp or secretsmanager:VersionStage)"]],
    ['an empty value list', { Version: V, Statement: [{ ...allow, Condition: { StringEquals: { 'aws:x': [] } } }] }, 'identity', ['Statement[0].Condition.StringEquals.aws:x must have at least one value, got an empty list']],
    ['a null value', { Version: V, Statement: [{ ...allow, Condition: { StringEquals: { 'aws:x': null } } }] }, 'identity', ['Statement[0].Condition.StringEquals.aws:x must be a string, number or boolean, got null']],
    ['an object value in a list', { Version: V, Statement: [{ ...allow, Condition: { StringEquals: { 'aws:x': ['a', {}] } } }] }, 'identity', ['Statement[0].Condition.StringEquals.aws:x[1] must be a string, number or boolean, got an object']],
    ['a non-numeric Numeric value', { Version: V, Statement: [{ ...allow, Condition: { NumericLessThan: { 'aws:x': 'ten' } } }] }, 'identity', ["Statement[0].Condition.NumericLessThan.aws:x: 'ten' is not a number (integer or decimal) (operator NumericLessThan)"]],
    ['a bad date', { Version: V, Statement: [{ ...allow, Condition: { DateLessThan: { 'aws:CurrentTime': '31/12/2026' } } }] }, 'identity', ["Statement[0].Condition.DateLessThan.aws:CurrentTime: '31/12/2026' is not a date (ISO 8601 such as 2026-01-31T12:00:00Z, or epoch seconds) (operator DateLessThan)"]],
    ['a bad Bool', { Version: V, Statement: [{ ...allow, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }] }, 'identity', ["Statement[0].Condition.Bool.aws:SecureTransport: 'yes' is not true or false (operator Bool)"]],
    ['a bad CIDR', { Version: V, Statement: [{ ...allow, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }] }, 'identity', ["Statement[0].Condition.IpAddress.aws:SourceIp: '10.0.0.0/33' is not an IPv4 or IPv6 address or CIDR block (operator IpAddress)"]],
    ['a bad Null value', { Version: V, Statement: [{ ...allow, Condition: { Null: { 'aws:x': 'maybe' } } }] }, 'identity', ["Statement[0].Condition.Null.aws:x: 'maybe' is not true or false (operator Null)"]],
    ['bad base64', { Version: V, Statement: [{ ...allow, Condition: { BinaryEquals: { 'aws:x': 'not base64!' } } }] }, 'identity', ["Statement[0].Condition.BinaryEquals.aws:x: 'not base64!' is not base64 (operator BinaryEquals)"]],
    ['a bad variable in a condition value', { Version: V, Statement: [{ ...allow, Condition: { StringEquals: { 'aws:x': '${username}' } } }] }, 'identity', ["Statement[0].Condition.StringEquals.aws:x: '${username}' is not a policy variable (expected a condition key such as ${aws:username}) (operator StringEquals)"]],
  ];
  for (const [what, doc, kind, expected] of bad) {
    it(what, () => assert.deepEqual(messages(doc, kind), expected));
  }

  it('reports every error of a document in one pass, each with its path', () => {
    const r = compilePolicy(
      { Version: '1', Statement: [{ Effect: 'Alow', Action: 'x', Resource: 'y' }, { ...allow, Principal: '*' }] },
      { kind: 'identity' },
    );
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.map((e) => e.path), ['Version', 'Statement[0].Effect', 'Statement[0].Action', 'Statement[0].Resource', 'Statement[1].Principal']);
  });

  it('formatPolicyErrors joins the first messages and counts the rest', () => {
    const errors = Array.from({ length: 7 }, (_, i) => ({ path: `p${i}`, message: `m${i}` }));
    assert.equal(formatPolicyErrors(errors), 'm0; m1; m2; m3; m4; and 2 more errors');
    assert.equal(formatPolicyErrors(errors.slice(0, 6)), 'm0; m1; m2; m3; m4; and 1 more error');
    assert.equal(formatPolicyErrors(errors.slice(0, 1)), 'm0');
  });

  it('a __proto__ key is data, not a prototype', () => {
    assert.deepEqual(messages('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*","__proto__":{"x":1}}}'), [
      "Statement.__proto__: unknown element '__proto__' (a statement has Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)",
    ]);
  });
});
