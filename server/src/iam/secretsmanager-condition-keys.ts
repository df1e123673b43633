// The condition keys a Secrets Manager request can carry, as the Service Authorization Reference lists
// them ("Condition keys for AWS Secrets Manager"), plus the global keys Coffer fills in. The server builds
// each request's context from these names; the engine reads any key, these are the ones that mean something.
// `${TagKey}` stands for a tag key: `aws:ResourceTag/team`.

export type ConditionKeyType = 'String' | 'ArrayOfString' | 'ARN' | 'Bool' | 'Numeric' | 'Date' | 'IPAddress';

export const SECRETS_MANAGER_CONDITION_KEYS = {
  'aws:RequestTag/${TagKey}': { type: 'String', description: 'A tag key and value in the request (CreateSecret, TagResource)' },
  'aws:ResourceTag/${TagKey}': { type: 'String', description: 'A tag of the secret' },
  'aws:TagKeys': { type: 'ArrayOfString', description: 'The tag keys in the request' },
  'secretsmanager:AddReplicaRegions': { type: 'ArrayOfString', description: 'The Regions to replicate the secret to' },
  'secretsmanager:BlockPublicPolicy': { type: 'Bool', description: 'Whether the resource policy blocks broad account access' },
  'secretsmanager:Description': { type: 'String', description: 'The description text in the request' },
  'secretsmanager:ExternalSecretRotationRoleArn': { type: 'ARN', description: 'The managed external rotation role ARN in the request' },
  'secretsmanager:ForceDeleteWithoutRecovery': { type: 'Bool', description: 'Whether the secret is deleted without a recovery window' },
  'secretsmanager:ForceOverwriteReplicaSecret': { type: 'Bool', description: 'Whether to overwrite a same-named secret in the replica Region' },
  'secretsmanager:KmsKeyArn': { type: 'ARN', description: 'The ARN of the KMS key in the request' },
  'secretsmanager:KmsKeyId': { type: 'String', description: 'The KMS key identifier in the request (deprecated: use KmsKeyArn)' },
  'secretsmanager:ModifyRotationRules': { type: 'Bool', description: 'Whether the rotation rules are modified' },
  'secretsmanager:Name': { type: 'String', description: 'The friendly name of the secret in the request' },
  'secretsmanager:RecoveryWindowInDays': { type: 'Numeric', description: 'Days before a deleted secret is purged' },
  'secretsmanager:ResourceTag/${TagKey}': { type: 'String', description: 'A tag of the secret (service-specific form)' },
  'secretsmanager:RotateImmediately': { type: 'Bool', description: 'Whether the secret is rotated immediately' },
  'secretsmanager:RotationLambdaARN': { type: 'ARN', description: 'The rotation function ARN in the request' },
  'secretsmanager:SecretId': { type: 'ARN', description: 'The ARN of the secret the request is about (the reference types it ARN)' },
  'secretsmanager:SecretPrimaryRegion': { type: 'String', description: 'The primary Region of a multi-Region secret' },
  'secretsmanager:Type': { type: 'String', description: 'The managed external secret type in the request' },
  'secretsmanager:VersionId': { type: 'String', description: 'The version id in the request' },
  'secretsmanager:VersionStage': { type: 'String', description: 'The version stage(s) in the request' },
  'secretsmanager:resource/AllowRotationLambdaArn': { type: 'ARN', description: 'The rotation function associated with the secret' },
  'secretsmanager:resource/Type': { type: 'String', description: 'The managed external secret type of the secret' },
} as const satisfies Record<string, { type: ConditionKeyType; description: string }>;

export type SecretsManagerConditionKey = keyof typeof SECRETS_MANAGER_CONDITION_KEYS;

/** Global keys Coffer sets on every request (the principal ones are derived by evaluate() itself). */
export const GLOBAL_CONDITION_KEYS = {
  'aws:PrincipalArn': { type: 'ARN', description: 'The caller (derived from the principal)' },
  'aws:PrincipalAccount': { type: 'String', description: "The caller's account (derived)" },
  'aws:PrincipalType': { type: 'String', description: 'Account | User (derived)' },
  'aws:PrincipalTag/${TagKey}': { type: 'String', description: "A tag of the caller (derived from the principal's tags)" },
  'aws:username': { type: 'String', description: "An IAM user's name (derived)" },
  'aws:SourceIp': { type: 'IPAddress', description: "The client's address" },
  'aws:CurrentTime': { type: 'Date', description: 'The request time, ISO 8601 UTC' },
  'aws:EpochTime': { type: 'Date', description: 'The request time, epoch seconds' },
  'aws:SecureTransport': { type: 'Bool', description: 'Whether the request came over TLS' },
  'aws:RequestedRegion': { type: 'String', description: 'The Region the request is sent to' },
  'aws:UserAgent': { type: 'String', description: "The client's User-Agent" },
} as const satisfies Record<string, { type: ConditionKeyType; description: string }>;

/**
 * A secret's tags as context keys: `aws:ResourceTag/<key>` and `secretsmanager:ResourceTag/<key>` (AWS sets
 * both for secret-scoped actions). Use 'aws:RequestTag' for tags in the request (plus aws:TagKeys).
 */
export function tagContext(prefix: 'aws:ResourceTag' | 'aws:RequestTag' | 'aws:PrincipalTag', tags: Readonly<Record<string, string>>) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    out[`${prefix}/${k}`] = v;
    if (prefix === 'aws:ResourceTag') out[`secretsmanager:ResourceTag/${k}`] = v;
  }
  return out;
}
