import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accessDeniedMessage } from './access-denied.ts';
import { evaluate } from './evaluate.ts';
import { compilePolicy } from './parse-policy.ts';
import { ACCOUNT, GET, OTHER, OTHER_USER, SECRET, USER, policy, request } from './test-support.ts';
import type { Decision } from './types.ts';

const head = `User: ${USER} is not authorized to perform: ${GET} on resource: ${SECRET}`;

describe('accessDeniedMessage (AWS wording, no trailing period)', () => {
  const cases: Array<[string, Decision, string]> = [
    ['implicit, identity side', { allowed: false, reason: 'implicit-deny', missing: 'identity' }, `${head} because no identity-based policy allows the ${GET} action`],
    ['implicit, resource side', { allowed: false, reason: 'implicit-deny', missing: 'resource' }, `${head} because no resource-based policy allows the ${GET} action`],
    ['explicit, inline identity policy', { allowed: false, reason: 'explicit-deny', decidingStatement: { policy: 'identity', policyIndex: 0, index: 0 } }, `${head} with an explicit deny in an identity-based policy`],
    ['explicit, managed identity policy (ARN appended)', { allowed: false, reason: 'explicit-deny', decidingStatement: { policy: 'identity', policyIndex: 0, index: 0, policyArn: `arn:aws:iam::${ACCOUNT}:policy/NoProd` } }, `${head} with an explicit deny in an identity-based policy: arn:aws:iam::${ACCOUNT}:policy/NoProd`],
    ['explicit, resource policy', { allowed: false, reason: 'explicit-deny', decidingStatement: { policy: 'resource', policyIndex: 0, index: 2 } }, `${head} with an explicit deny in a resource-based policy`],
  ];
  for (const [what, decision, message] of cases) {
    it(what, () => assert.equal(accessDeniedMessage({ principal: { arn: USER }, action: GET, resource: SECRET }, decision), message));
  }

  it('refuses to describe an allowed decision', () => {
    assert.throws(() => accessDeniedMessage({ principal: { arn: USER }, action: GET, resource: SECRET }, { allowed: true, reason: 'allowed' }));
  });

  it('end to end: the message of a cross-account request without resource policy', () => {
    const req = request({ principal: { arn: OTHER_USER, accountId: OTHER } });
    const d = evaluate(req, { identity: [policy('identity', { Effect: 'Allow', Action: GET, Resource: '*' })] });
    assert.equal(
      accessDeniedMessage(req, d),
      `User: ${OTHER_USER} is not authorized to perform: ${GET} on resource: ${SECRET} because no resource-based policy allows the ${GET} action`,
    );
  });

  it('end to end: an explicit deny of a managed policy carries its ARN', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/Guard`;
    const r = compilePolicy({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: '*', Resource: '*' } }, { kind: 'identity', arn });
    assert.ok(r.ok);
    const req = request();
    assert.equal(accessDeniedMessage(req, evaluate(req, { identity: [r.policy] })), `${head} with an explicit deny in an identity-based policy: ${arn}`);
  });

  it('the caller may show the SecretId as given instead of the ARN', () => {
    const d = evaluate(request(), { identity: [] });
    assert.equal(
      accessDeniedMessage({ principal: { arn: USER }, action: GET, resource: 'app/db' }, d),
      `User: ${USER} is not authorized to perform: ${GET} on resource: app/db because no identity-based policy allows the ${GET} action`,
    );
  });
});
