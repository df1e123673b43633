// Seeds a store with many secrets fast for `npm run bench:scale`: through the server's own store (createApp on
// the data directory: migrations, root key, admin credential and account as a first start makes them) and its
// domain helpers (ARNs, the account's default KMS key, per-version data keys, the label machine), in bulk
// transactions of multi-row INSERTs instead of one CreateSecret call each. The rows are those CreateSecret
// writes (scale.ts checks a seeded secret's rows against one made by CreateSecret); no audit events are
// written for them.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createApp, loadConfig } from '../src/index.ts';
import { buildSecretArn, randomSuffix } from '../src/services/secretsmanager/arn.ts';
import { storedKeyId } from '../src/services/secretsmanager/stored-key-id.ts';
import { createValueCrypto } from '../src/services/secretsmanager/value-crypto.ts';
import { applyNewVersion } from '../src/services/secretsmanager/versions.ts';
import type { NewSecretRow, VersionRow } from '../src/services/secretsmanager/secret-store.ts';
import { BENCH_VALUE } from './bench-secrets.ts';

export const REGION = 'us-east-1';

/** Every secret has tag `team`; one in a hundred also has tag `pci` and the word "audited" in its description. */
export function benchTags(i: number): Array<{ Key: string; Value: string }> {
  return [{ Key: 'team', Value: `team-${i % 100}` }, ...(i % 100 === 0 ? [{ Key: 'pci', Value: 'yes' }] : [])];
}

export function benchDescription(i: number): string {
  return `Database credential ${i}${i % 100 === 0 ? ' audited' : ''}`;
}

export const benchName = (i: number) => `bench/secret-${i}`;

const CHUNK = 500; // rows per INSERT (well under both dialects' parameter limits)
// Small enough for PostgreSQL: each row written moves the change token (a row updated once per write).
const PER_TRANSACTION = 2_000;

/** Creates bench/secret-0 ... bench/secret-<count - 1>; `onProgress` gets the count written so far. */
export async function seedSecrets(dataDir: string, databaseUrl: string | undefined, count: number, onProgress?: (done: number) => void): Promise<void> {
  const config = loadConfig({ dataDir, databaseUrl, port: 0, workers: 1, logLevel: 'warn' }, {});
  const app = await createApp(config);
  try {
    const scope = { accountId: app.accountId, region: REGION };
    const key = await app.keys.defaultSecretsKey(scope);
    const values = createValueCrypto(app.keys);
    // CreateSecret's secrets are created over time: one a second up to now, so the sort orders mean something.
    const t0 = Date.now() - count * 1000;
    for (let start = 0; start < count; start += PER_TRANSACTION) {
      const end = Math.min(count, start + PER_TRANSACTION);
      const secrets: NewSecretRow[] = [];
      const versions: VersionRow[] = [];
      const stages: Array<{ secret_id: string; stage: string; version_id: string }> = [];
      const tags: Array<{ secret_id: string; tag_key: string; tag_value: string; position: number }> = [];
      for (let i = start; i < end; i++) {
        const id = randomUUID();
        const versionId = randomUUID(); // the SDK's ClientRequestToken
        const t = t0 + i * 1000;
        const name = benchName(i);
        const secretTags = benchTags(i);
        secrets.push({
          id,
          account_id: scope.accountId,
          region: scope.region,
          name,
          arn: buildSecretArn(scope, name, randomSuffix(randomBytes)),
          description: benchDescription(i),
          kms_key_id: storedKeyId(undefined, key),
          created_at: t,
          last_changed_at: t,
          last_accessed_at: null,
          deleted_at: null,
          deletion_date: null,
          tagged: 1,
          owning_service: null,
          primary_region: null,
          resource_policy: null,
          rotation_token_hash: null,
        });
        versions.push({
          secret_id: id,
          version_id: versionId,
          created_at: t,
          last_accessed_at: null,
          ...values.encrypt(scope, key, id, versionId, { kind: 'string', bytes: Buffer.from(BENCH_VALUE) }),
        });
        for (const [stage, version] of applyNewVersion(new Map(), versionId, undefined, true).state) stages.push({ secret_id: id, stage, version_id: version });
        secretTags.forEach((tag, position) => tags.push({ secret_id: id, tag_key: tag.Key, tag_value: tag.Value, position }));
      }
      await app.store.db.transaction().execute(async (tx) => {
        for (let j = 0; j < secrets.length; j += CHUNK) await tx.insertInto('secrets').values(secrets.slice(j, j + CHUNK)).execute();
        for (let j = 0; j < versions.length; j += CHUNK) await tx.insertInto('secret_versions').values(versions.slice(j, j + CHUNK)).execute();
        for (let j = 0; j < stages.length; j += CHUNK) await tx.insertInto('secret_version_stages').values(stages.slice(j, j + CHUNK)).execute();
        for (let j = 0; j < tags.length; j += CHUNK) await tx.insertInto('secret_tags').values(tags.slice(j, j + CHUNK)).execute();
      });
      onProgress?.(end);
    }
    // PostgreSQL plans from table statistics, which autovacuum gathers as a store grows; right after a bulk load
    // it has none yet, and without them it may take any index that starts with the scope for a lookup by name.
    if (databaseUrl) await sql`analyze`.execute(app.store.db);
  } finally {
    await app.close();
  }
}
