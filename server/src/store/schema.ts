// Row types of every table, as Kysely sees them. Times are epoch milliseconds (BIGINT on PostgreSQL,
// parsed back to numbers by db.ts); booleans are 0/1 so both dialects read the same values.
import type { Generated } from 'kysely';

export interface MetaTable {
  key: string;
  value: string;
}

/** One row (id 1): the change token, moved by triggers with every write to a tracked table (store/db.ts). */
export interface ChangeGenerationTable {
  id: number;
  value: number;
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
  /** the key policy as written (PutKeyPolicy, CreateKey's Policy); null: the policy AWS writes by default */
  policy: string | null;
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

export interface KmsGrantTable {
  grant_id: string;
  key_id: string;
  account_id: string;
  region: string;
  name: string | null;
  grantee_principal: string;
  retiring_principal: string | null;
  issuing_account: string;
  /** JSON array of GrantOperation names */
  operations: string;
  /** JSON GrantConstraints, or null */
  constraints: string | null;
  created_at: number;
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
  /** the resource policy document as written; null when the secret has none */
  resource_policy: string | null;
  /** hex SHA-256 of the RotationToken of the rotation attempt under way; null when none is (never the token) */
  rotation_token_hash: string | null;
  /** a replica written by a primary in another deployment: the primary's change number it holds (migration 013) */
  replica_seq?: number | null;
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

export interface AccountTable {
  account_id: string;
  created_at: number;
}

export interface IamUserTable {
  account_id: string;
  /** the user name lower-cased: IAM user names are unique regardless of case */
  name_key: string;
  user_name: string;
  user_id: string;
  path: string;
  arn: string;
  /** JSON array of {Key, Value} */
  tags: string;
  created_at: number;
}

export interface IamUserPolicyTable {
  account_id: string;
  name_key: string;
  policy_name: string;
  document: string;
  updated_at: number;
}

export interface AuditEventTable {
  seq: Generated<number>;
  event_id: string;
  event_time: number;
  account_id: string;
  event_name: string;
  principal_arn: string | null;
  resource_arn: string | null;
  /** what the columns do not say of the CloudTrail event, as JSON, sensitive members redacted (audit/stored-event.ts) */
  record: string;
  prev_hash: string;
  hash: string;
}

/** A batch of audit events (audit/segment.ts): events first_seq .. first_seq + event_count - 1 of the chain. */
export interface AuditSegmentTable {
  first_seq: number;
  event_count: number;
  /** the earliest and latest event time in the batch (epoch ms): lookups by time skip the other batches */
  min_time: number;
  max_time: number;
  /** the hash of the event before the first, and of the last */
  prev_hash: string;
  hash: string;
  /** each event's field lengths (int32 LE, six per event), then each event's time (float64 LE) */
  layout: Buffer;
  /** each event's chain hash, 64 hex digits */
  hashes: string;
  /** the events' text fields (event id, account, event name, principal, resource, record), one after another, UTF-8 */
  texts: Buffer;
}

export interface SecretRotationTable {
  secret_id: string;
  account_id: string;
  region: string;
  lambda_arn: string | null;
  after_days: number | null;
  schedule_expression: string | null;
  duration: string | null;
  enabled: number;
  last_rotated_at: number | null;
  window_start: number | null;
  window_end: number | null;
  run_token: string | null;
  run_mode: string | null;
  run_step: number;
  run_attempts: number;
  run_next_at: number | null;
  run_claimed_by: string | null;
  run_claim_until: number | null;
  last_status: string | null;
  last_error: string | null;
  last_error_at: number | null;
}

/** Consumer-aware retirement: how long AWSPREVIOUS must go unread before its user's password changes (migration 016). */
export interface RotationRetirementTable {
  secret_id: string;
  account_id: string;
  region: string;
  idle_seconds: number;
}

/** Coffer's drift checks of a secret's AWSCURRENT (migration 014). */
export interface RotationDriftCheckTable {
  secret_id: string;
  account_id: string;
  region: string;
  interval_seconds: number;
  rotate_on_drift: number;
  next_check_at: number;
  checked_at: number | null;
  status: string | null;
  message: string | null;
}

export interface RotationFunctionTable {
  account_id: string;
  region: string;
  name: string;
  arn: string;
  kind: string;
  target: string;
  secret_sealed: Buffer | null;
  created_at: number;
  /** a Lambda-style function's runtime, handler and timeout (null for the other kinds) */
  runtime: string | null;
  handler: string | null;
  timeout_seconds: number | null;
}

export interface LeaseTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** A secret's replication to one region (migration 010). */
export interface SecretReplicaTable {
  primary_id: string;
  region: string;
  /** the KmsKeyId as the caller gave it; null: the region's aws/secretsmanager */
  kms_key_id: string | null;
  status: string;
  status_message: string | null;
  /** the replica's secret row in this store; null when the region failed before one was written */
  replica_id: string | null;
  created_at: number;
  /** the entry's place in ReplicationStatus (the order regions were first added in) */
  position: number;
  /** 1: the region is served by another deployment (migration 013); replica_id is then null */
  peer: Generated<number>;
  /** a peer region: the primary's change number (bumped by every write of the primary) */
  change_seq: Generated<number>;
  /** a peer region: the change number the peer acknowledged last */
  pushed_seq: Generated<number>;
  /** a peer region: when the state it acknowledged last was read (older versions are sent without values) */
  pushed_state_at: number | null;
  /** a peer region: pushes failed in a row (the backoff grows with them) */
  push_failures: Generated<number>;
  /** a peer region: no push before this time; null: at once */
  next_push_at: number | null;
  /** a peer region: the replica's LastAccessedDate as the peer last reported it (migration 015) */
  peer_last_accessed_at: number | null;
  /** a peer region: when the peer last reported it (probed again once that is before today) */
  peer_access_checked_at: number | null;
}

export interface Database {
  meta: MetaTable;
  change_generation: ChangeGenerationTable;
  access_keys: AccessKeyTable;
  kms_keys: KmsKeyTable;
  kms_aliases: KmsAliasTable;
  kms_key_materials: KmsKeyMaterialTable;
  kms_key_tags: KmsKeyTagTable;
  kms_grants: KmsGrantTable;
  secrets: SecretTable;
  secret_versions: SecretVersionTable;
  secret_version_stages: SecretVersionStageTable;
  secret_tags: SecretTagTable;
  secret_replicas: SecretReplicaTable;
  accounts: AccountTable;
  iam_users: IamUserTable;
  iam_user_policies: IamUserPolicyTable;
  audit_events: AuditEventTable;
  audit_segments: AuditSegmentTable;
  secret_rotations: SecretRotationTable;
  rotation_functions: RotationFunctionTable;
  rotation_drift_checks: RotationDriftCheckTable;
  rotation_retirements: RotationRetirementTable;
  leases: LeaseTable;
}
