// Rotation: each secret's rotation configuration and the state of its rotation in progress (one row per
// secret that was ever configured), the registered rotation functions, and the lease rows that keep
// background work on one server at a time. Dialect differences are limited to the column types in `types`.
import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../db.ts';

export async function up(db: Kysely<unknown>, types: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('secret_rotations')
    .addColumn('secret_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('lambda_arn', 'text')
    .addColumn('after_days', 'integer')
    .addColumn('schedule_expression', 'text')
    .addColumn('duration', 'text')
    // 0/1: automatic rotation on (RotateSecret) or off (CancelRotateSecret, or never configured)
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('last_rotated_at', types.time)
    // the next window: the scheduler starts a rotation once inside [window_start, window_end)
    .addColumn('window_start', types.time)
    .addColumn('window_end', types.time)
    // the run in progress (null when none): its token, 'rotate' (four steps) or 'test' (testSecret only)
    .addColumn('run_token', 'text')
    .addColumn('run_mode', 'text')
    .addColumn('run_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_next_at', types.time)
    // a server working on the run holds it until run_claim_until (a crashed server's claim runs out)
    .addColumn('run_claimed_by', 'text')
    .addColumn('run_claim_until', types.time)
    // 'succeeded' | 'failed' | 'running' | null; last_error has passwords scrubbed
    .addColumn('last_status', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', types.time)
    .execute();
  await db.schema.createIndex('secret_rotations_window').on('secret_rotations').column('window_start').execute();
  await db.schema.createIndex('secret_rotations_run').on('secret_rotations').column('run_next_at').execute();

  await db.schema
    .createTable('rotation_functions')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    // 'template' | 'http' | 'command'
    .addColumn('kind', 'text', (c) => c.notNull())
    // the template name, the URL or the command path
    .addColumn('target', 'text', (c) => c.notNull())
    // sealed by the root key: the HMAC key that signs events to an HTTP function, or a command function's credentials
    .addColumn('secret_sealed', types.blob)
    .addColumn('created_at', types.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('rotation_functions_pk', ['account_id', 'region', 'name'])
    .execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', types.time, (c) => c.notNull())
    .execute();
}
