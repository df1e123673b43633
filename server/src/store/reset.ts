// Empties every table that holds user data (dev mode's POST /_coffer/reset): secrets, keys, IAM users with
// their policies and access keys, the audit trail. Accounts, their root access keys and metadata stay.
import type { Db } from './db.ts';

export async function resetUserData(db: Db): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('secret_version_stages').execute();
    await tx.deleteFrom('secret_tags').execute();
    await tx.deleteFrom('secret_replicas').execute();
    await tx.deleteFrom('secret_versions').execute();
    await tx.deleteFrom('secrets').execute();
    await tx.deleteFrom('secret_rotations').execute();
    await tx.deleteFrom('rotation_drift_checks').execute();
    await tx.deleteFrom('rotation_functions').execute();
    await tx.deleteFrom('kms_aliases').execute();
    await tx.deleteFrom('kms_key_tags').execute();
    await tx.deleteFrom('kms_grants').execute();
    await tx.deleteFrom('kms_key_materials').execute();
    await tx.deleteFrom('kms_keys').execute();
    await tx.deleteFrom('iam_user_policies').execute();
    await tx.deleteFrom('iam_users').execute();
    await tx.deleteFrom('access_keys').where('principal_arn', 'not like', '%:root').execute();
    await tx.deleteFrom('audit_events').execute();
    await tx.deleteFrom('audit_segments').execute();
  });
}
