// Builders shared by the iam/ unit tests (not imported by production code).
import { conditionHolds } from './condition-eval.ts';
import { compileConditions } from './parse-condition.ts';
import { compilePolicy } from './parse-policy.ts';
import { RequestContext } from './request-context.ts';
import type { AuthorizationRequest, CompiledPolicy, ContextValue, PolicyError, PolicyKind } from './types.ts';

export const ACCOUNT = '111122223333';
export const OTHER = '444455556666';
export const USER = `arn:aws:iam::${ACCOUNT}:user/app`;
export const OTHER_USER = `arn:aws:iam::${OTHER}:user/bob`;
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-AbCdEf`;
export const GET = 'secretsmanager:GetSecretValue';

/** Compile or fail the test with the errors. */
export function policy(kind: PolicyKind, statements: unknown, extra: Record<string, unknown> = {}, name?: string): CompiledPolicy {
  const r = compilePolicy({ Version: '2012-10-17', Statement: statements, ...extra }, { kind, name });
  if (!r.ok) throw new Error(`policy did not compile: ${r.errors.map((e) => e.message).join(' | ')}`);
  return r.policy;
}

export function request(overrides: Partial<AuthorizationRequest> & { context?: Record<string, ContextValue> } = {}): AuthorizationRequest {
  return {
    principal: { arn: USER, accountId: ACCOUNT },
    action: GET,
    resource: SECRET,
    resourceAccountId: ACCOUNT,
    ...overrides,
  };
}

/** Compile `{ operator: { key: policyValues } }` and evaluate it against a context of condition keys. */
export function holds(operator: string, key: string, policyValues: unknown, context: Record<string, ContextValue>): boolean {
  const errors: PolicyError[] = [];
  const compiled = compileConditions({ [operator]: { [key]: policyValues } } as never, 'Condition', { variables: true }, errors);
  if (errors.length > 0 || compiled.length !== 1) throw new Error(`${operator} did not compile: ${errors.map((e) => e.message).join(' | ')}`);
  const ctx = new RequestContext(request({ context }));
  return conditionHolds(compiled[0], ctx);
}
