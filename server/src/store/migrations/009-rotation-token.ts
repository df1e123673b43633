// PutSecretValue's RotationToken: the hash of the token the rotation run in progress handed its function (the
// token itself is never stored). A column of the secret, because a secret has at most one run, and Secrets
// Manager checks it where it checks the rest of the write; null when no run is under way.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('secrets').addColumn('rotation_token_hash', 'text').execute();
}
