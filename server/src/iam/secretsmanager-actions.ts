// Every Secrets Manager operation and the permissions it needs. Sources: the Service Authorization
// Reference for Secrets Manager (operation -> IAM actions, access levels, condition keys per action) and
// the "Required permissions" paragraphs of the Secrets Manager model for the KMS side.
//
// KMS permissions are needed only when the secret's key is a customer managed key: the AWS managed key
// aws/secretsmanager's key policy lets every principal of the account use it through Secrets Manager
// ("If the secret is encrypted using a customer-managed key instead of the Amazon Web Services managed key
// aws/secretsmanager, then you also need kms:Decrypt permissions for that key").
import type { SecretsManagerConditionKey } from './secretsmanager-condition-keys.ts';

export type SecretsManagerOperation =
  | 'BatchGetSecretValue' | 'CancelRotateSecret' | 'CreateSecret' | 'DeleteResourcePolicy' | 'DeleteSecret'
  | 'DescribeSecret' | 'GetRandomPassword' | 'GetResourcePolicy' | 'GetSecretValue' | 'ListSecretVersionIds'
  | 'ListSecrets' | 'PutResourcePolicy' | 'PutSecretValue' | 'RemoveRegionsFromReplication'
  | 'ReplicateSecretToRegions' | 'RestoreSecret' | 'RotateSecret' | 'StopReplicationToReplica' | 'TagResource'
  | 'UntagResource' | 'UpdateSecret' | 'UpdateSecretVersionStage' | 'ValidateResourcePolicy';

export type AccessLevel = 'Read' | 'List' | 'Write' | 'Tagging' | 'Permissions management';

/** When an extra permission is needed. */
export type RequiredWhen =
  | 'always'
  | 'per-secret' // BatchGetSecretValue: GetSecretValue on each secret returned
  | 'filters-in-request' // BatchGetSecretValue with Filters
  | 'tags-in-request' // CreateSecret with Tags
  | 'replica-regions-in-request' // CreateSecret with AddReplicaRegions
  | 'value-in-request' // a SecretString / SecretBinary is encrypted
  | 'kms-key-change'; // UpdateSecret with a different KmsKeyId re-encrypts existing versions

export type KmsAction = 'kms:Decrypt' | 'kms:Encrypt' | 'kms:GenerateDataKey';

export interface KmsRequirement {
  readonly action: KmsAction;
  /** secret: the key the secret uses; requested: the KmsKeyId in the request (else the secret's);
   *  previous: the key being replaced; replica: the replica Region's key. */
  readonly key: 'secret' | 'requested' | 'previous' | 'replica';
  readonly when: RequiredWhen;
  /** Not refused without it: UpdateSecret then leaves existing versions under their old key (AWS). */
  readonly optional?: true;
}

export interface OperationPermissions {
  /** The IAM action that authorizes the operation. */
  readonly action: `secretsmanager:${string}`;
  readonly accessLevel: AccessLevel;
  /** secret: Resource is the secret's ARN; none: the action has no resource type (Resource "*"). */
  readonly resource: 'secret' | 'none';
  readonly alsoRequires: readonly { readonly action: `secretsmanager:${string}`; readonly when: RequiredWhen }[];
  readonly kms: readonly KmsRequirement[];
  /** Condition keys the reference lists for the action (global ones included). */
  readonly conditionKeys: readonly SecretsManagerConditionKey[];
}

// Keys every secret-scoped action supports (the Secret resource type's keys).
const SECRET_KEYS: readonly SecretsManagerConditionKey[] = [
  'aws:ResourceTag/${TagKey}',
  'secretsmanager:ResourceTag/${TagKey}',
  'secretsmanager:SecretId',
  'secretsmanager:SecretPrimaryRegion',
  'secretsmanager:resource/AllowRotationLambdaArn',
  'secretsmanager:resource/Type',
];
const TAG_KEYS: readonly SecretsManagerConditionKey[] = ['aws:RequestTag/${TagKey}', 'aws:TagKeys'];

function op(
  name: string,
  accessLevel: AccessLevel,
  extra: Partial<Omit<OperationPermissions, 'action' | 'accessLevel'>> = {},
): OperationPermissions {
  return {
    action: `secretsmanager:${name}`,
    accessLevel,
    resource: extra.resource ?? 'secret',
    alsoRequires: extra.alsoRequires ?? [],
    kms: extra.kms ?? [],
    conditionKeys: extra.conditionKeys ?? SECRET_KEYS,
  };
}

export const SECRETS_MANAGER_OPERATIONS: Readonly<Record<SecretsManagerOperation, OperationPermissions>> = {
  BatchGetSecretValue: op('BatchGetSecretValue', 'Read', {
    resource: 'none',
    conditionKeys: [],
    alsoRequires: [
      { action: 'secretsmanager:GetSecretValue', when: 'per-secret' },
      { action: 'secretsmanager:ListSecrets', when: 'filters-in-request' },
    ],
    kms: [{ action: 'kms:Decrypt', key: 'secret', when: 'per-secret' }],
  }),
  CancelRotateSecret: op('CancelRotateSecret', 'Write'),
  CreateSecret: op('CreateSecret', 'Write', {
    alsoRequires: [
      { action: 'secretsmanager:TagResource', when: 'tags-in-request' },
      { action: 'secretsmanager:ReplicateSecretToRegions', when: 'replica-regions-in-request' },
    ],
    kms: [
      { action: 'kms:GenerateDataKey', key: 'requested', when: 'value-in-request' },
      { action: 'kms:Decrypt', key: 'requested', when: 'value-in-request' },
    ],
    conditionKeys: [
      ...TAG_KEYS,
      'aws:ResourceTag/${TagKey}',
      'secretsmanager:AddReplicaRegions',
      'secretsmanager:Description',
      'secretsmanager:ForceOverwriteReplicaSecret',
      'secretsmanager:KmsKeyArn',
      'secretsmanager:KmsKeyId',
      'secretsmanager:Name',
      'secretsmanager:ResourceTag/${TagKey}',
      'secretsmanager:Type',
    ],
  }),
  DeleteResourcePolicy: op('DeleteResourcePolicy', 'Permissions management'),
  DeleteSecret: op('DeleteSecret', 'Write', {
    conditionKeys: [...SECRET_KEYS, 'secretsmanager:ForceDeleteWithoutRecovery', 'secretsmanager:RecoveryWindowInDays'],
  }),
  DescribeSecret: op('DescribeSecret', 'Read'),
  GetRandomPassword: op('GetRandomPassword', 'Read', { resource: 'none', conditionKeys: [] }),
  GetResourcePolicy: op('GetResourcePolicy', 'Read'),
  GetSecretValue: op('GetSecretValue', 'Read', {
    kms: [{ action: 'kms:Decrypt', key: 'secret', when: 'always' }],
    conditionKeys: [...SECRET_KEYS, 'secretsmanager:VersionId', 'secretsmanager:VersionStage'],
  }),
  ListSecretVersionIds: op('ListSecretVersionIds', 'Read'),
  ListSecrets: op('ListSecrets', 'List', { resource: 'none', conditionKeys: [] }),
  PutResourcePolicy: op('PutResourcePolicy', 'Permissions management', {
    conditionKeys: [...SECRET_KEYS, 'secretsmanager:BlockPublicPolicy'],
  }),
  PutSecretValue: op('PutSecretValue', 'Write', {
    kms: [{ action: 'kms:GenerateDataKey', key: 'secret', when: 'always' }],
  }),
  RemoveRegionsFromReplication: op('RemoveRegionsFromReplication', 'Write'),
  ReplicateSecretToRegions: op('ReplicateSecretToRegions', 'Write', {
    kms: [
      { action: 'kms:Decrypt', key: 'secret', when: 'always' },
      { action: 'kms:GenerateDataKey', key: 'replica', when: 'always' },
      { action: 'kms:Encrypt', key: 'replica', when: 'always' },
    ],
    conditionKeys: [...SECRET_KEYS, 'secretsmanager:AddReplicaRegions', 'secretsmanager:ForceOverwriteReplicaSecret'],
  }),
  RestoreSecret: op('RestoreSecret', 'Write'),
  // The rotation function, not the caller of RotateSecret, reads and writes the value (and needs the KMS
  // permissions for that); AWS also requires iam:PassRole for managed external rotation, absent here.
  RotateSecret: op('RotateSecret', 'Write', {
    conditionKeys: [
      ...SECRET_KEYS,
      'secretsmanager:ExternalSecretRotationRoleArn',
      'secretsmanager:ModifyRotationRules',
      'secretsmanager:RotateImmediately',
      'secretsmanager:RotationLambdaARN',
    ],
  }),
  StopReplicationToReplica: op('StopReplicationToReplica', 'Write'),
  TagResource: op('TagResource', 'Tagging', { conditionKeys: [...TAG_KEYS, ...SECRET_KEYS] }),
  UntagResource: op('UntagResource', 'Tagging', { conditionKeys: ['aws:TagKeys', ...SECRET_KEYS] }),
  UpdateSecret: op('UpdateSecret', 'Write', {
    kms: [
      // The model: "you must also have kms:GenerateDataKey, kms:Encrypt, and kms:Decrypt permissions on the
      // key"; without Encrypt on a new key (or Decrypt on the old one) the existing versions are simply not
      // re-encrypted.
      { action: 'kms:GenerateDataKey', key: 'requested', when: 'value-in-request' },
      { action: 'kms:Decrypt', key: 'requested', when: 'value-in-request' },
      { action: 'kms:Encrypt', key: 'requested', when: 'kms-key-change', optional: true },
      { action: 'kms:Decrypt', key: 'previous', when: 'kms-key-change', optional: true },
    ],
    conditionKeys: [
      ...SECRET_KEYS,
      'secretsmanager:Description',
      'secretsmanager:KmsKeyArn',
      'secretsmanager:KmsKeyId',
      'secretsmanager:Type',
    ],
  }),
  UpdateSecretVersionStage: op('UpdateSecretVersionStage', 'Write', {
    conditionKeys: [...SECRET_KEYS, 'secretsmanager:VersionStage'],
  }),
  // The reference maps ValidateResourcePolicy to both ValidateResourcePolicy and PutResourcePolicy.
  ValidateResourcePolicy: op('ValidateResourcePolicy', 'Permissions management', {
    alsoRequires: [{ action: 'secretsmanager:PutResourcePolicy', when: 'always' }],
  }),
};

/** The IAM action for an operation name, or undefined for a name that is not a Secrets Manager operation. */
export function secretsManagerAction(operation: string): `secretsmanager:${string}` | undefined {
  return Object.prototype.hasOwnProperty.call(SECRETS_MANAGER_OPERATIONS, operation)
    ? SECRETS_MANAGER_OPERATIONS[operation as SecretsManagerOperation].action
    : undefined;
}
