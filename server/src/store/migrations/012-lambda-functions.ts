// Lambda-style rotation functions (kind 'lambda'): a handler in a code directory (the function's target) run
// under a runtime with a timeout of its own. Their environment variables are sealed with their credentials
// (secret_sealed).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 'python3' | 'nodejs' (or Lambda's versioned names); null for the other kinds
  await db.schema.alterTable('rotation_functions').addColumn('runtime', 'text').execute();
  // module.function, as Lambda's Handler
  await db.schema.alterTable('rotation_functions').addColumn('handler', 'text').execute();
  // seconds one step may take; null: the server's default
  await db.schema.alterTable('rotation_functions').addColumn('timeout_seconds', 'integer').execute();
}
