// KMS operations served by Coffer and the IAM actions they need (AWS KMS permissions reference). Most are
// `kms:<Operation>` on the key; the exceptions are the ones with no resource and the alias and
// re-encryption operations that need permission on more than one resource.

export interface KmsOperationPermissions {
  /** [action, resource] pairs; every pair must be allowed. `none` means Resource "*". */
  readonly checks: readonly { readonly action: `kms:${string}`; readonly resource: 'key' | 'alias' | 'target-key' | 'source-key' | 'destination-key' | 'none' }[];
}

const onKey = (op: string): KmsOperationPermissions => ({ checks: [{ action: `kms:${op}`, resource: 'key' }] });
const noResource = (op: string): KmsOperationPermissions => ({ checks: [{ action: `kms:${op}`, resource: 'none' }] });

export const KMS_OPERATIONS = {
  CreateKey: noResource('CreateKey'),
  ListKeys: noResource('ListKeys'),
  ListAliases: noResource('ListAliases'),
  GenerateRandom: noResource('GenerateRandom'),
  DescribeKey: onKey('DescribeKey'),
  EnableKey: onKey('EnableKey'),
  DisableKey: onKey('DisableKey'),
  ScheduleKeyDeletion: onKey('ScheduleKeyDeletion'),
  CancelKeyDeletion: onKey('CancelKeyDeletion'),
  UpdateKeyDescription: onKey('UpdateKeyDescription'),
  TagResource: onKey('TagResource'),
  UntagResource: onKey('UntagResource'),
  ListResourceTags: onKey('ListResourceTags'),
  Encrypt: onKey('Encrypt'),
  Decrypt: onKey('Decrypt'),
  GenerateDataKey: onKey('GenerateDataKey'),
  GenerateDataKeyWithoutPlaintext: onKey('GenerateDataKeyWithoutPlaintext'),
  EnableKeyRotation: onKey('EnableKeyRotation'),
  DisableKeyRotation: onKey('DisableKeyRotation'),
  GetKeyRotationStatus: onKey('GetKeyRotationStatus'),
  RotateKeyOnDemand: onKey('RotateKeyOnDemand'),
  ListKeyRotations: onKey('ListKeyRotations'),
  GetKeyPolicy: onKey('GetKeyPolicy'),
  PutKeyPolicy: onKey('PutKeyPolicy'),
  ListKeyPolicies: onKey('ListKeyPolicies'),
  CreateGrant: onKey('CreateGrant'),
  ListGrants: onKey('ListGrants'),
  RevokeGrant: onKey('RevokeGrant'),
  // AWS: the grant itself decides first (its retiring principal, or its grantee when it allows RetireGrant);
  // kms:RetireGrant in a policy lets other principals of the account retire it.
  RetireGrant: onKey('RetireGrant'),
  // "The authorized resource in ListRetirableGrants calls is the retiring principal": Resource "*" in IAM.
  ListRetirableGrants: noResource('ListRetirableGrants'),
  // "To create an alias you need kms:CreateAlias on the alias and on the KMS key" (and alike for delete).
  CreateAlias: { checks: [{ action: 'kms:CreateAlias', resource: 'alias' }, { action: 'kms:CreateAlias', resource: 'key' }] },
  DeleteAlias: { checks: [{ action: 'kms:DeleteAlias', resource: 'alias' }, { action: 'kms:DeleteAlias', resource: 'key' }] },
  // UpdateAlias: on the alias, the key it points to now, and the key it will point to.
  UpdateAlias: {
    checks: [
      { action: 'kms:UpdateAlias', resource: 'alias' },
      { action: 'kms:UpdateAlias', resource: 'key' },
      { action: 'kms:UpdateAlias', resource: 'target-key' },
    ],
  },
  ReEncrypt: {
    checks: [
      { action: 'kms:ReEncryptFrom', resource: 'source-key' },
      { action: 'kms:ReEncryptTo', resource: 'destination-key' },
    ],
  },
} as const satisfies Record<string, KmsOperationPermissions>;

export type KmsOperation = keyof typeof KMS_OPERATIONS;
