// Row types of every table, as Kysely sees them. Times are epoch milliseconds (BIGINT on PostgreSQL,
// parsed back to numbers by db.ts); booleans are 0/1 so both dialects read the same values.
import type { Generated } from 'kysely';

export interface MetaTable {
  key: string;
  value: string;
}

export interface AccessKeyTable {
  access_key_id: string;
  account_id: string;
  principal_arn: string;
  /** the secret access key, sealed by the root key (AAD binds it to access_key_id) */
  secret_sealed: Buffer;
  status: string;
  created_at: number;
}

export interface KmsKeyTable {
  key_id: string;
  account_id: string;
  region: string;
  arn: string;
  description: string;
  key_state: string;
  key_manager: string;
  created_at: number;
  /** set while PendingDeletion: when the sweep destroys the key's material */
  deletion_date: number | null;
  /** the current material version (kms_key_materials holds every version) */
  material_version: number;
  /** 0/1; AWS managed keys rotate every year */
  rotation_enabled: number;
  rotation_period_days: number | null;
  next_rotation_at: number | null;
}

export interface KmsKeyMaterialTable {
  key_id: string;
  material_version: number;
  /** the material, sealed by the root key (AAD binds it to key_id and material_version) */
  material_sealed: Buffer;
  created_at: number;
  /** null for the first material; AUTOMATIC or ON_DEMAND */
  rotation_type: string | null;
}

export interface KmsKeyTagTable {
  key_id: string;
  tag_key: string;
  tag_value: string;
}

export interface KmsAliasTable {
  account_id: string;
  region: string;
  alias_name: string;
  key_id: string;
  created_at: number;
  updated_at: number | null;
}

export interface SecretTable {
  id: string;
  account_id: string;
  region: string;
  name: string;
  arn: string;
  description: string | null;
  /** the KmsKeyId as the user gave it; null means the account's default key aws/secretsmanager */
  kms_key_id: string | null;
  created_at: number;
  last_changed_at: number;
  last_accessed_at: number | null;
  deleted_at: number | null;
  deletion_date: number | null;
  /** 1 once the secret has been tagged: DescribeSecret shows `Tags` from then on, even when empty */
  tagged: number;
  owning_service: string | null;
  primary_region: string | null;
  /** insertion order, the tiebreak that keeps pagination stable */
  seq: Generated<number>;
}

export interface SecretVersionTable {
  secret_id: string;
  version_id: string;
  created_at: number;
  last_accessed_at: number | null;
  /** key id (UUID) of the KMS key that wrapped this version's data key; null for a version without value */
  kms_key_id: string | null;
  /** the data key as a KMS ciphertext blob */
  wrapped_key: Buffer | null;
  /** the value sealed by the data key; null for a rotation's AWSPENDING placeholder without value */
  ciphertext: Buffer | null;
  /** 'string' | 'binary' | null */
  value_kind: string | null;
}

export interface SecretVersionStageTable {
  secret_id: string;
  stage: string;
  version_id: string;
}

export interface SecretTagTable {
  secret_id: string;
  tag_key: string;
  tag_value: string;
  position: number;
}

export interface Database {
  meta: MetaTable;
  access_keys: AccessKeyTable;
  kms_keys: KmsKeyTable;
  kms_aliases: KmsAliasTable;
  kms_key_materials: KmsKeyMaterialTable;
  kms_key_tags: KmsKeyTagTable;
  secrets: SecretTable;
  secret_versions: SecretVersionTable;
  secret_version_stages: SecretVersionStageTable;
  secret_tags: SecretTagTable;
}
