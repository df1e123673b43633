// Coffer's admin API (models/coffer-admin.json) as `coffer admin <verb>`, named as `aws iam` names its verbs.
import type { PaginatorConfig } from './operations.ts';

export const ADMIN_OPERATIONS = [
  'CreateAccount',
  'ListAccounts',
  'CreateUser',
  'GetUser',
  'DeleteUser',
  'ListUsers',
  'TagUser',
  'UntagUser',
  'PutUserPolicy',
  'GetUserPolicy',
  'ListUserPolicies',
  'DeleteUserPolicy',
  'CreateAccessKey',
  'ListAccessKeys',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'LookupEvents',
  'VerifyAuditTrail',
  'RotateRootKey',
  'CreateFunction',
  'ListFunctions',
  'GetFunction',
  'DeleteFunction',
  'InvokeFunction',
  'GetRotationStatus',
  'GetSecretChanges',
  'PutRotationDriftCheck',
  'CheckRotationDrift',
  'RollbackRotation',
  'PutRotationRetirement',
  'GetSecretConsumers',
] as const;

export type AdminOperationName = (typeof ADMIN_OPERATIONS)[number];

/** IAM's listings page with Marker / MaxItems (botocore's iam paginators); LookupEvents with NextToken. */
const MARKER = { inputToken: 'Marker', outputToken: 'Marker', limitKey: 'MaxItems', nonAggregateKeys: [] };

export const ADMIN_PAGINATORS: Partial<Record<AdminOperationName, PaginatorConfig>> = {
  ListUsers: { ...MARKER, resultKeys: ['Users'] },
  ListUserPolicies: { ...MARKER, resultKeys: ['PolicyNames'] },
  ListAccessKeys: { ...MARKER, resultKeys: ['AccessKeyMetadata'] },
  LookupEvents: { inputToken: 'NextToken', outputToken: 'NextToken', limitKey: 'MaxResults', resultKeys: ['Events'], nonAggregateKeys: [] },
};

export const ADMIN_VERB_NAMES: Partial<Record<AdminOperationName, string>> = {
  VerifyAuditTrail: 'verify-audit',
};

/** `coffer rotation <verb>`: Coffer's own rotation operations (drift checks, rollback, consumers, retirement). */
export const ROTATION_VERBS: Partial<Record<AdminOperationName, string>> = {
  PutRotationDriftCheck: 'drift',
  CheckRotationDrift: 'check-drift',
  RollbackRotation: 'rollback',
  GetSecretConsumers: 'consumers',
  PutRotationRetirement: 'retirement',
};

/** `coffer functions <verb>`: the rotation-function operations under Lambda-like short verbs. */
export const FUNCTION_VERBS: Partial<Record<AdminOperationName, string>> = {
  CreateFunction: 'create',
  ListFunctions: 'list',
  GetFunction: 'get',
  DeleteFunction: 'delete',
  InvokeFunction: 'invoke',
};

export const ADMIN_EXAMPLES: Record<AdminOperationName, string> = {
  CreateAccount: 'coffer admin create-account --account-id 210987654321',
  ListAccounts: 'coffer admin list-accounts',
  CreateUser: 'coffer admin create-user --user-name deploy --tags Key=team,Value=core',
  GetUser: 'coffer admin get-user --user-name deploy',
  DeleteUser: 'coffer admin delete-user --user-name deploy',
  ListUsers: `coffer admin list-users --query 'Users[].UserName' --output text`,
  TagUser: 'coffer admin tag-user --user-name deploy --tags Key=team,Value=core',
  UntagUser: 'coffer admin untag-user --user-name deploy --tag-keys team',
  PutUserPolicy: 'coffer admin put-user-policy --user-name deploy --policy-name read-prod --policy-document file://policy.json',
  GetUserPolicy: 'coffer admin get-user-policy --user-name deploy --policy-name read-prod',
  ListUserPolicies: 'coffer admin list-user-policies --user-name deploy',
  DeleteUserPolicy: 'coffer admin delete-user-policy --user-name deploy --policy-name read-prod',
  CreateAccessKey: 'coffer admin create-access-key --user-name deploy',
  ListAccessKeys: 'coffer admin list-access-keys --user-name deploy',
  UpdateAccessKey: 'coffer admin update-access-key --user-name deploy --access-key-id AKIAIOSFODNN7EXAMPLE --status Inactive',
  DeleteAccessKey: 'coffer admin delete-access-key --user-name deploy --access-key-id AKIAIOSFODNN7EXAMPLE',
  LookupEvents: 'coffer admin lookup-events --event-name GetSecretValue --start-time 2026-11-01T00:00:00Z',
  VerifyAuditTrail: 'coffer admin verify-audit',
  RotateRootKey: 'coffer admin rotate-root-key',
  CreateFunction: 'coffer functions create --name pg-rotator --url https://rotator.internal/rotate',
  ListFunctions: 'coffer functions list',
  GetFunction: 'coffer functions get --name pg-rotator',
  DeleteFunction: 'coffer functions delete --name pg-rotator',
  InvokeFunction: 'coffer functions invoke --name pg-rotator --secret-id prod/db --step testSecret --client-request-token 7f1c0a52-6a1e-4c43-9d1e-2f1b3c4d5e6f',
  GetRotationStatus: 'coffer rotation-status --secret-id prod/db',
  GetSecretChanges: 'coffer admin get-secret-changes --after 1200 --wait-seconds 20',
  PutRotationDriftCheck: 'coffer rotation drift --secret-id prod/db --interval 5m --rotate-on-drift',
  CheckRotationDrift: 'coffer rotation check-drift --secret-id prod/db',
  RollbackRotation: 'coffer rotation rollback --secret-id prod/db',
  PutRotationRetirement: 'coffer rotation retirement --secret-id prod/db --retire-after-idle 1h',
  GetSecretConsumers: 'coffer rotation consumers --secret-id prod/db --window 7d',
};
