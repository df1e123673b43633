// What evaluate() costs on the GetSecretValue path: one identity policy of three statements (with a
// condition and a wildcard resource) plus a resource policy of two, a fresh request object per call as the
// server builds it. Reported as a test diagnostic; the assertion is only a floor far below the measured
// rate, so that a slow CI machine does not fail it, while an accidental O(n^2) or per-call compile would.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { evaluate } from './evaluate.ts';
import { parsePolicy } from './parse-policy.ts';
import type { AuthorizationRequest, CompiledPolicy } from './types.ts';

const ACCOUNT = '111122223333';
const identityText = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadAppSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/*`,
      Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } },
    },
    { Sid: 'UseKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*` },
    {
      Sid: 'ProdFromOfficeOnly',
      Effect: 'Deny',
      Action: 'secretsmanager:*',
      Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:prod/*`,
      Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
    },
  ],
});
const resourceText = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'TeamReads',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': '${aws:ResourceTag/team}' } },
    },
    { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ],
});

function compile(text: string, kind: 'identity' | 'resource'): CompiledPolicy {
  const r = parsePolicy(text, { kind });
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.policy;
}

function makeRequest(i: number): AuthorizationRequest {
  return {
    principal: { arn: `arn:aws:iam::${ACCOUNT}:user/app`, accountId: ACCOUNT, tags: { team: 'blue' } },
    action: 'secretsmanager:GetSecretValue',
    resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-AbCdEf`,
    resourceAccountId: ACCOUNT,
    context: {
      'aws:SourceIp': '10.1.2.3',
      'aws:SecureTransport': 'true',
      'aws:CurrentTime': '2026-05-01T12:00:00Z',
      'aws:EpochTime': String(1777636800 + i),
      'aws:ResourceTag/team': 'blue',
      'secretsmanager:ResourceTag/team': 'blue',
      'secretsmanager:SecretId': `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-AbCdEf`,
      'secretsmanager:VersionStage': 'AWSCURRENT',
    },
  };
}

function rate(fn: (i: number) => void, iterations: number): number {
  for (let i = 0; i < 20_000; i++) fn(i); // warm up the JIT
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  return iterations / ((performance.now() - start) / 1000);
}

it('evaluate() for a typical GetSecretValue is cheap', (t) => {
  const identity = [compile(identityText, 'identity')];
  const resource = compile(resourceText, 'resource');
  const sample = evaluate(makeRequest(0), { identity, resource });
  assert.equal(sample.allowed, true);
  assert.equal(sample.decidingStatement?.sid, 'ReadAppSecrets');

  const evalOps = rate((i) => evaluate(makeRequest(i), { identity, resource }), 200_000);
  // Same-account, identity policy silent: the resource policy's delegation + tag condition decide.
  const deniedOps = rate((i) => evaluate({ ...makeRequest(i), resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-AbCdEf` }, { identity, resource }), 200_000);
  const compileOps = rate(() => {
    compile(identityText, 'identity');
    compile(resourceText, 'resource');
  }, 20_000);

  const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} ops/s (${(1e6 / n).toFixed(2)} µs each)`;
  t.diagnostic(`evaluate, allowed GetSecretValue: ${fmt(evalOps)}`);
  t.diagnostic(`evaluate, implicit deny (every statement tried): ${fmt(deniedOps)}`);
  t.diagnostic(`compile both policies: ${fmt(compileOps)}`);
  assert.ok(evalOps > 10_000, `evaluate() ran at only ${Math.round(evalOps)} ops/s`);
});
