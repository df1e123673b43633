// `coffer admin backup` and `coffer admin restore`: they run on the store itself, beside the server (see
// server/src/backup.ts for why not through the API), so they load the server's code (bin/coffer.js picks the
// bundle that holds it) and print their result as the other admin verbs print theirs (--output, --query).
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { render, type RenderOptions } from '../output/render.ts';
import { globalsOf, renderOptions, writeStdout } from './context.ts';

export function addBackupCommands(admin: Command): void {
  admin
    .command('backup')
    .description("copy the store while servers keep serving: the data directory's SQLite file (SQLite's online backup), or a PostgreSQL database with pg_dump")
    .requiredOption('--out <file>', 'the backup file to write (owner-only; replaced if it exists)')
    .option('--data-dir <dir>', "the server's data directory (env COFFER_DATA_DIR, default .coffer)")
    .option('--database-url <url>', 'postgres://…: back up this PostgreSQL database with pg_dump (env COFFER_DATABASE_URL)')
    .addHelpText('after', '\nThe backup is sealed as the store is: keep the root key (root.key) beside it, apart from it.\n\nExamples:\n  coffer admin backup --data-dir .coffer --out coffer-backup.db\n  coffer admin backup --database-url postgres://coffer@db-host/coffer --out coffer-backup.pgdump\n')
    .action(async (opts: { out: string; dataDir?: string; databaseUrl?: string }, command: Command) => {
      const output = renderOptions(globalsOf(command), 'Backup');
      const { backupStore } = await import('@coffer/server');
      const result = await failAs('backup', () => backupStore(opts));
      await print(output, {
        File: result.file,
        Store: result.store,
        Bytes: result.bytes,
        Seconds: result.seconds,
        ...(result.rootKeyId ? { RootKeyId: result.rootKeyId } : {}),
      });
    });

  admin
    .command('restore')
    .description('restore a backup into a new data directory (and, for PostgreSQL, an empty database), after checking it opens with the root key and its audit trail verifies')
    .requiredOption('--from <file>', 'the backup file')
    .requiredOption('--data-dir <dir>', 'the new data directory (it must not exist, or be empty)')
    .option('--root-key-file <file>', 'the root.key of the data directory the backup was taken from (copied into the new one); or set COFFER_ROOT_KEY')
    .option('--database-url <url>', 'postgres://…: load a PostgreSQL backup into this empty database')
    .addHelpText('after', '\nExamples:\n  coffer admin restore --from coffer-backup.db --data-dir /srv/coffer-restored --root-key-file /safe/root.key\n  coffer server --data-dir /srv/coffer-restored\n')
    .action(async (opts: { from: string; dataDir: string; rootKeyFile?: string; databaseUrl?: string }, command: Command) => {
      const output = renderOptions(globalsOf(command), 'Restore');
      const { restoreStore } = await import('@coffer/server');
      const result = await failAs('restore', () => restoreStore({ ...opts, rootKey: process.env.COFFER_ROOT_KEY || undefined }));
      await print(output, {
        DataDir: result.dataDir,
        Store: result.store,
        RootKeyId: result.rootKeyId,
        ...(result.keyFile ? { KeyFile: result.keyFile } : {}),
        ...(result.credentialsFile ? { CredentialsFile: result.credentialsFile } : {}),
        KeyMaterials: result.keyMaterials,
        AccessKeys: result.accessKeys,
        RotationFunctions: result.rotationFunctions,
        AuditEventsChecked: result.auditEvents,
        AuditHeadHash: result.auditHeadHash,
      });
    });
}

async function failAs<T>(verb: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new CliError(`coffer admin ${verb}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function print(output: RenderOptions, result: Record<string, unknown>): Promise<void> {
  await writeStdout(render(result, output));
}
