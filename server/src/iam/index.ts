// The IAM policy engine's public surface. Pure: no I/O, no clock, no imports from the rest of Coffer.
export type {
  AuthorizationPolicies,
  AuthorizationRequest,
  CompileOptions,
  CompileResult,
  CompiledCondition,
  CompiledPolicy,
  CompiledStatement,
  ContextValue,
  Decision,
  DecisionReason,
  Effect,
  PolicyError,
  PolicyKind,
  PolicyVersion,
  PrincipalSpec,
  RequestPrincipal,
  StatementRef,
} from './types.ts';
export { compilePolicy, formatPolicyErrors, parsePolicy, POLICY_VERSIONS } from './parse-policy.ts';
export { evaluate } from './evaluate.ts';
export { accessDeniedMessage, type DeniedRequest } from './access-denied.ts';
export { grantsPublicAccess, NARROWING_CONDITION_KEYS, publicAccessFindings, type PublicAccessFinding } from './public-access.ts';
export {
  CHECK_NAMES,
  validateResourcePolicy,
  type ResourcePolicyValidation,
  type ValidationFinding,
} from './validate-resource-policy.ts';
export { iamPolicySize, isValidPolicyName, POLICY_LIMITS, POLICY_NAME_PATTERN } from './limits.ts';
export {
  SECRETS_MANAGER_OPERATIONS,
  secretsManagerAction,
  type AccessLevel,
  type KmsAction,
  type KmsRequirement,
  type OperationPermissions,
  type RequiredWhen,
  type SecretsManagerOperation,
} from './secretsmanager-actions.ts';
export {
  GLOBAL_CONDITION_KEYS,
  SECRETS_MANAGER_CONDITION_KEYS,
  tagContext,
  type ConditionKeyType,
  type SecretsManagerConditionKey,
} from './secretsmanager-condition-keys.ts';
export { KMS_OPERATIONS, type KmsOperation, type KmsOperationPermissions } from './kms-actions.ts';
export { OPERATOR_NAMES } from './condition-operators.ts';
