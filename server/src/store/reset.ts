// Empties every table that holds user data (dev mode's POST /_coffer/reset). Access keys and metadata stay.
import type { Db } from './db.ts';

export async function resetUserData(db: Db): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('secret_version_stages').execute();
    await tx.deleteFrom('secret_tags').execute();
    await tx.deleteFrom('secret_versions').execute();
    await tx.deleteFrom('secrets').execute();
    await tx.deleteFrom('kms_aliases').execute();
    await tx.deleteFrom('kms_key_tags').execute();
    await tx.deleteFrom('kms_key_materials').execute();
    await tx.deleteFrom('kms_keys').execute();
  });
}
