// Access control: accounts, IAM users with their inline identity policies, each secret's resource policy,
// and the audit trail. Access keys already have their table (001); a user's keys are the rows whose
// principal_arn is the user's ARN. Dialect differences are limited to the column types passed in `types`.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', types.time, (c) => c.notNull())
    .execute();

  // IAM user names are unique within an account regardless of case ("Bob" and "bob" are the same user),
  // so the key is the lower-cased name; user_name keeps the spelling it was created with.
  await db.schema
    .createTable('iam_users')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().unique())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    // JSON array of {Key, Value}: aws:PrincipalTag/<key> in policies
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', types.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_users_pk', ['account_id', 'name_key'])
    .execute();

  await db.schema
    .createTable('iam_user_policies')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('policy_name', 'text', (c) => c.notNull())
    // the document as written (validated when it was put)
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('updated_at', types.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_user_policies_pk', ['account_id', 'name_key', 'policy_name'])
    .execute();

  await db.schema.createIndex('access_keys_principal').on('access_keys').column('principal_arn').execute();

  // The secret's resource policy as written; null when it has none. On the secret row so that every read
  // that finds the secret has its policy too (GetSecretValue needs no extra query).
  await db.schema.alterTable('secrets').addColumn('resource_policy', 'text').execute();

  // Append-only, hash-chained (each event's hash covers the previous one's): see audit/README.md.
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', types.serial, (c) => types.autoIncrement(c.primaryKey()))
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('event_time', types.time, (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('principal_arn', 'text')
    .addColumn('resource_arn', 'text')
    // the CloudTrail-shaped event, JSON, sensitive members redacted
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_account_time').on('audit_events').columns(['account_id', 'event_time']).execute();
}
