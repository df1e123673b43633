// KMS key policies: the policy text rides with the key row (and so with the cached row the read path
// authorizes with). Null means the key still has the policy AWS writes when CreateKey is given none: the
// default key policy for a customer managed key, the managed-key policy for aws/secretsmanager. Keys that
// exist before this migration keep the behaviour they had, which is exactly that.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('kms_keys').addColumn('policy', 'text').execute();
}
