import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestContext } from './request-context.ts';
import type { AuthorizationRequest } from './types.ts';

const principal = { arn: 'arn:aws:iam::111122223333:user/dev/alice', accountId: '111122223333', tags: { Team: 'blue' } };
const request = (fields: Partial<AuthorizationRequest>): AuthorizationRequest => ({
  principal,
  action: 'secretsmanager:GetSecretValue',
  resource: '*',
  resourceAccountId: '111122223333',
  ...fields,
});

test('keys are found as written or by any spelling, the request context before the global one', () => {
  const ctx = new RequestContext(
    request({
      context: { 'secretsmanager:VersionStage': 'AWSCURRENT', 'aws:sourceip': '10.0.0.9' },
      globalContext: { 'aws:SourceIp': '127.0.0.1', 'aws:CurrentTime': '2026-11-28T08:00:00Z' },
    }),
  );
  assert.deepEqual(ctx.values('secretsmanager:versionstage', 'secretsmanager:VersionStage'), ['AWSCURRENT']);
  assert.deepEqual(ctx.values('secretsmanager:versionstage', 'SecretsManager:versionStage'), ['AWSCURRENT'], 'another spelling');
  assert.deepEqual(ctx.values('secretsmanager:versionstage'), ['AWSCURRENT'], 'no spelling given');
  assert.deepEqual(ctx.values('aws:sourceip', 'aws:SourceIp'), ['10.0.0.9'], 'the request context wins, whatever its spelling');
  assert.deepEqual(ctx.values('aws:currenttime', 'aws:CurrentTime'), ['2026-11-28T08:00:00Z'], 'a global key');
  assert.equal(ctx.values('secretsmanager:versionid', 'secretsmanager:VersionId'), undefined, 'an absent key');
});

test('of two spellings of one key the last one counts, and undefined values are absent', () => {
  const ctx = new RequestContext(request({ context: { 'aws:TagKeys': ['a'], 'AWS:TAGKEYS': ['b'], 'aws:RequestTag/x': undefined } }));
  assert.deepEqual(ctx.values('aws:tagkeys'), ['b']);
  assert.deepEqual(ctx.values('aws:tagkeys', 'aws:TagKeys'), ['a'], 'the spelling the policy uses, when the request has it');
  assert.equal(ctx.values('aws:requesttag/x', 'aws:RequestTag/x'), undefined);
});

test('keys the principal implies, unless the context sets them (an empty list hides them)', () => {
  const derived = new RequestContext(request({}));
  assert.deepEqual(derived.values('aws:username'), ['alice']);
  assert.deepEqual(derived.values('aws:principaltag/team'), ['blue']);
  assert.deepEqual(derived.values('aws:principalarn'), [principal.arn]);
  const hidden = new RequestContext(request({ context: { 'aws:PrincipalTag/Team': [] }, globalContext: { 'aws:username': 'bob' } }));
  assert.equal(hidden.values('aws:principaltag/team', 'aws:PrincipalTag/Team'), undefined);
  assert.deepEqual(hidden.values('aws:username', 'aws:username'), ['bob'], 'a global key set by the caller wins over the derived one');
});
