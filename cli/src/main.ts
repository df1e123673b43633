// The `coffer` command: `server`, a verb per Secrets Manager operation (built from the service model, as
// `aws secretsmanager <verb>` takes them), `admin <verb>` and `audit` (Coffer's admin API, built the same way
// from models/coffer-admin.json), and the helpers get, run, import, export and completion.
// Exit codes as the aws CLI v2's: 0, 252 usage, 254 service error, 255 anything else (errors.ts).
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addGlobalOptions, GLOBAL_VALUE_FLAGS } from './args/global-options.ts';
import { addAgentCommand } from './commands/agent.ts';
import { addBackupCommands } from './commands/backup.ts';
import { addCompletionCommand } from './commands/completion.ts';
import { addGetCommand } from './commands/get.ts';
import { addOperationCommand } from './commands/operation.ts';
import { addRunCommand } from './commands/run.ts';
import { waitForRotation } from './commands/rotation-wait.ts';
import { followAudit } from './commands/audit-follow.ts';
import { addServerStub, serverMain } from './commands/server.ts';
import { addTransferCommands } from './commands/transfer.ts';
import { CliError, EXIT, ExitWith, ParamError, ServiceError, UsageError } from './errors.ts';
import { loadServiceModel } from './model/service-model.ts';
import { COFFER_ADMIN, SECRETS_MANAGER, type ServiceDescriptor } from './model/services.ts';
import { FUNCTION_VERBS, ROTATION_VERBS } from './model/admin-operations.ts';
import { cliPackageJson } from './paths.ts';

export async function main(argv: string[]): Promise<void> {
  const verb = findVerb(argv);
  if (verb?.name === 'server') return serverMain(argv);
  if (verb?.name === 'help' && argv[verb.index + 1] === 'server') return serverMain(['server', '--help']);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // The reader went away (`coffer list-secrets | head`): stop quietly, as the aws CLI does.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (err) {
    process.exitCode = report(err, argv.includes('--debug'));
  }
}

export function buildProgram(): Command {
  const program = new Command('coffer')
    .description('Coffer: a self-hosted secrets manager that speaks the AWS Secrets Manager API')
    .version(versionString(), '--version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`coffer: ${message}`) })
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .helpCommand('help [verb]', 'show the flags of a verb, with an example');
  addGlobalOptions(program);
  const model = loadServiceModel(SECRETS_MANAGER.modelFile);
  for (const operation of SECRETS_MANAGER.operations) {
    addOperationCommand(program, model, operation, SECRETS_MANAGER, operation === 'RotateSecret' ? { follow: ROTATION_WAIT } : {});
  }
  addAdminCommands(program, COFFER_ADMIN);
  addGetCommand(program);
  addRunCommand(program);
  addTransferCommands(program);
  addCompletionCommand(program);
  addAgentCommand(program);
  addServerStub(program);
  program.addHelpText(
    'after',
    '\nThe Secrets Manager verbs take the flags `aws secretsmanager <verb>` takes, and print what it prints.\n' +
      'Exit codes: 0 success, 252 usage error, 254 error from the service, 255 other errors.\n' +
      '`coffer admin <verb>` runs Coffer\'s admin API (users, policies, access keys); `coffer audit` reads the audit trail;\n' +
      '`coffer functions <verb>` manages rotation functions; `coffer rotation-status` shows a secret\'s rotation;\n' +
      '`coffer rotation <verb>` checks AWSCURRENT for drift, rolls a rotation back, lists a secret\'s consumers\n' +
      'and holds an alternating-users rotation back while AWSPREVIOUS is still read.\n' +
      '\nExamples:\n  coffer create-secret --name prod/db --secret-string \'{"password":"EXAMPLE"}\'\n  coffer get prod/db password\n  coffer help create-secret\n',
  );
  return program;
}

/** `coffer admin <verb>` (Coffer's admin API, verbs as `aws iam` names them) and `coffer audit` (LookupEvents). */
function addAdminCommands(program: Command, service: ServiceDescriptor): void {
  const model = loadServiceModel(service.modelFile);
  const admin = program
    .command('admin')
    .description("Coffer's admin API: accounts, users, their policies and access keys, the audit trail; backup and restore of the store")
    .helpCommand('help [verb]', 'show the flags of an admin verb, with an example')
    .addHelpText('after', '\nExamples:\n  coffer admin create-user --user-name deploy\n  coffer admin create-access-key --user-name deploy\n  coffer admin backup --out coffer-backup.db\n  coffer admin help put-user-policy\n');
  for (const operation of service.operations) {
    addOperationCommand(admin, model, operation, service, {
      ...(operation === 'LookupEvents' ? { jsonLines: 'Events' } : {}),
      ...(operation === 'VerifyAuditTrail' ? { check: auditTrailProblem } : {}),
      ...(operation === 'InvokeFunction' ? { check: invokeFailure } : {}),
    });
  }
  addBackupCommands(admin);
  addOperationCommand(program, model, 'LookupEvents', service, { name: 'audit', jsonLines: 'Events', follow: AUDIT_FOLLOW });
  addOperationCommand(program, model, 'GetRotationStatus', service, { name: 'rotation-status' });
  const functions = program
    .command('functions')
    .description('rotation functions: register (a built-in template, an HTTP URL, an allowed command or a Lambda-style handler), list, get, delete, invoke one step')
    .helpCommand('help [verb]', 'show the flags of a functions verb, with an example')
    .addHelpText('after', '\nExamples:\n  coffer functions create --name pg-rotator --template SecretsManagerRDSPostgreSQLRotationSingleUser\n  coffer functions create --name my-rotator --command /opt/rotators/rotate.py --access-key-id AKIA... --secret-access-key ...\n  coffer functions create --name pg-lambda --runtime python3 --handler lambda_function.lambda_handler --code /opt/rotators/pg --environment Variables={EXCLUDE_CHARACTERS=/@} --access-key-id AKIA... --secret-access-key ...\n  coffer functions list\n');
  for (const [operation, name] of Object.entries(FUNCTION_VERBS)) {
    addOperationCommand(functions, model, operation, service, { name, ...(operation === 'InvokeFunction' ? { check: invokeFailure } : {}) });
  }
  const rotation = program
    .command('rotation')
    .description("Coffer's rotation extras: drift checks of AWSCURRENT, rollback to AWSPREVIOUS, consumers, retirement after idle")
    .helpCommand('help [verb]', 'show the flags of a rotation verb, with an example')
    .addHelpText('after', '\nExamples:\n  coffer rotation drift --secret-id prod/db --interval 5m --rotate-on-drift\n  coffer rotation drift --secret-id prod/db --interval off\n  coffer rotation check-drift --secret-id prod/db\n  coffer rotation rollback --secret-id prod/db\n  coffer rotation consumers --secret-id prod/db --window 7d\n  coffer rotation retirement --secret-id prod/db --retire-after-idle 1h\n');
  for (const [operation, name] of Object.entries(ROTATION_VERBS)) addOperationCommand(rotation, model, operation, service, { name });
}

const AUDIT_FOLLOW = {
  flag: '--follow',
  description: 'after the listing, keep printing new events (same filters) as lines of JSON until interrupted',
  run: followAudit,
};

const ROTATION_WAIT = {
  flag: '--wait',
  description: 'follow the rotation: print each step to stderr as it completes; exit 1 if it fails',
  run: waitForRotation,
};

/** What `coffer functions invoke` reports (exit 1) when the step failed. */
function invokeFailure(result: Record<string, unknown>): string | undefined {
  return result.FunctionError !== undefined ? `coffer: the function failed (${String(result.FunctionError)}): ${String(result.ErrorMessage ?? '')}` : undefined;
}

/** What `coffer admin verify-audit` reports (exit 1) when the chain does not verify. */
function auditTrailProblem(result: Record<string, unknown>): string | undefined {
  if (result.Valid === true) return undefined;
  const where = result.FirstBadEventId !== undefined ? `event ${String(result.FirstBadEventId)} (sequence ${String(result.FirstBadSequence)})` : 'an unknown event';
  return `coffer: the audit trail does not verify: first bad event is ${where}${result.Problem ? `: ${String(result.Problem)}` : ''}`;
}

function versionString(): string {
  const pkg = JSON.parse(readFileSync(cliPackageJson(), 'utf8')) as { version: string };
  return `coffer/${pkg.version} node/${process.version} ${process.platform}/${process.arch}`;
}

/** The first word that is not a global flag or its value: the verb. */
function findVerb(argv: string[]): { name: string; index: number } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return undefined;
    if (GLOBAL_VALUE_FLAGS.includes(arg)) {
      i += 1;
      continue;
    }
    if (!arg.startsWith('-')) return { name: arg, index: i };
  }
  return undefined;
}

function report(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof ExitWith) return err.exitCode;
  if (err instanceof ParamError) {
    process.stderr.write(`\n${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`coffer: error: ${err.message}\nRun 'coffer help <verb>' for the flags of a verb.\n`);
    return err.exitCode;
  }
  if (err instanceof ServiceError || err instanceof CliError) {
    process.stderr.write(`\n${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`\n${err instanceof Error ? (debug ? err.stack : err.message) : String(err)}\n`);
  return EXIT.other;
}
