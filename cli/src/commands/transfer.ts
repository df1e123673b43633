// `coffer export` and `coffer import`: move secrets (name, description, tags, current value) between this
// endpoint and a .env or JSON file, or another Secrets Manager-compatible endpoint. Writing is idempotent
// (transfer/endpoint.ts); a summary ends the run, and any failed secret makes the exit code 254.
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { GlobalOptions } from '../args/global-options.ts';
import type { Caller } from '../client/call.ts';
import { EXIT, ExitWith, ParamError, ServiceError, UsageError } from '../errors.ts';
import { parseEnv, serializeEnv } from '../transfer/env-format.ts';
import { listSecrets, readRecord, writeRecord } from '../transfer/endpoint.ts';
import { parseJsonRecords, serializeJson } from '../transfer/json-format.ts';
import { createProgress } from '../transfer/progress.ts';
import type { Outcome, SecretRecord } from '../transfer/record.ts';
import { globalsOf, openCaller, writeStdout } from './context.ts';

type Format = 'env' | 'json';

interface TransferOptions {
  format?: Format;
  file?: string;
  namePrefix?: string;
  toEndpoint?: string;
  toProfile?: string;
  toRegion?: string;
  fromEndpoint?: string;
  fromProfile?: string;
  fromRegion?: string;
}

const formatOption = () => new Option('--format <format>', 'file format (default: env for a *.env file name, else json)').choices(['env', 'json']);

export function addTransferCommands(program: Command): void {
  program
    .command('export')
    .description('export secrets (names, descriptions, tags, current values) to a file, stdout or another endpoint')
    .addOption(formatOption())
    .option('--file <path>', 'write here (created with mode 0600) instead of stdout')
    .option('--name-prefix <prefix>', 'only secrets whose name starts with this')
    .option('--to-endpoint <url>', 'copy into this Secrets Manager-compatible endpoint instead of a file')
    .option('--to-profile <name>', 'credentials profile for --to-endpoint')
    .option('--to-region <region>', 'region for --to-endpoint')
    .addHelpText('after', '\nExamples:\n  coffer export --format env --file prod.env --name-prefix prod/\n  coffer export --to-endpoint https://secrets.example.com:4580 --to-profile other\n')
    .action(async (opts: TransferOptions, command: Command) => exportCommand(globalsOf(command), opts));

  program
    .command('import')
    .description('import secrets from a file (or stdin) or another endpoint; re-running changes nothing that is already equal')
    .addOption(formatOption())
    .option('--file <path>', 'read this file (- for stdin)')
    .option('--name-prefix <prefix>', 'with --from-endpoint: only secrets whose name starts with this')
    .option('--from-endpoint <url>', 'copy from this Secrets Manager-compatible endpoint instead of a file')
    .option('--from-profile <name>', 'credentials profile for --from-endpoint')
    .option('--from-region <region>', 'region for --from-endpoint')
    .addHelpText('after', '\nExamples:\n  coffer import --file .env                 # each KEY=value becomes the secret KEY\n  coffer import --from-endpoint http://127.0.0.1:4566 --from-profile localstack\n')
    .action(async (opts: TransferOptions, command: Command) => importCommand(globalsOf(command), opts));
}

async function exportCommand(globals: GlobalOptions, opts: TransferOptions): Promise<void> {
  if (opts.toEndpoint !== undefined && opts.file !== undefined) throw new UsageError('use either --file or --to-endpoint, not both');
  const source = await openCaller(globals);
  try {
    if (opts.toEndpoint !== undefined) {
      const sink = await openCaller(globals, { endpointUrl: opts.toEndpoint, profile: opts.toProfile, region: opts.toRegion }, '--to-endpoint');
      try {
        await copy(source, sink, opts.namePrefix, process.stdout, 'Exported');
      } finally {
        sink.destroy();
      }
      return;
    }
    const format = formatFor(opts);
    const listed = await listSecrets(source, opts.namePrefix);
    const progress = createProgress(opts.file !== undefined ? process.stdout : process.stderr, listed.length, 'Exported');
    const records: SecretRecord[] = [];
    for (const item of listed) {
      const outcome = await attempt(async () => {
        records.push(await readRecord(source, item));
        return { kind: 'exported' };
      });
      progress.item(item.name, outcome);
    }
    const header = `Secrets exported by coffer from ${source.endpoint} (${source.region}): ${records.length}.`;
    const text = format === 'env' ? serializeEnv(records, header) : serializeJson(records);
    if (opts.file !== undefined) writeFileSync(opts.file, text, { mode: 0o600 });
    else await writeStdout(text);
    finishOrFail(progress.finish());
  } finally {
    source.destroy();
  }
}

async function importCommand(globals: GlobalOptions, opts: TransferOptions): Promise<void> {
  if (opts.fromEndpoint !== undefined && opts.file !== undefined) throw new UsageError('use either --file or --from-endpoint, not both');
  if (opts.fromEndpoint === undefined && opts.file === undefined) throw new UsageError('the following arguments are required: --file (or --from-endpoint)');
  if (opts.fromEndpoint !== undefined) {
    const source = await openCaller(globals, { endpointUrl: opts.fromEndpoint, profile: opts.fromProfile, region: opts.fromRegion }, '--from-endpoint');
    const sink = await openCaller(globals);
    try {
      await copy(source, sink, opts.namePrefix, process.stdout, 'Imported');
    } finally {
      source.destroy();
      sink.destroy();
    }
    return;
  }
  const records = readRecords(opts.file as string, formatFor(opts));
  const sink = await openCaller(globals);
  try {
    const progress = createProgress(process.stdout, records.length, 'Imported');
    for (const record of records) progress.item(record.Name, await attempt(() => writeRecord(sink, record)));
    finishOrFail(progress.finish());
  } finally {
    sink.destroy();
  }
}

async function copy(source: Caller, sink: Caller, namePrefix: string | undefined, stream: NodeJS.WriteStream, action: string): Promise<void> {
  const listed = await listSecrets(source, namePrefix);
  const progress = createProgress(stream, listed.length, action);
  for (const item of listed) {
    progress.item(item.name, await attempt(async () => writeRecord(sink, await readRecord(source, item))));
  }
  finishOrFail(progress.finish());
}

async function attempt(work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (err) {
    return { kind: 'failed', message: err instanceof ServiceError ? err.message : err instanceof Error ? err.message : String(err) };
  }
}

function finishOrFail(result: { failed: number }): void {
  if (result.failed > 0) throw new ExitWith(EXIT.service);
}

function formatFor(opts: TransferOptions): Format {
  return opts.format ?? (opts.file !== undefined && /\.env$|(^|\/)\.env(\.|$)/.test(opts.file) ? 'env' : 'json');
}

function readRecords(file: string, format: Format): SecretRecord[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new ParamError('--file', `Unable to read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}`);
  }
  try {
    return format === 'env' ? parseEnv(text) : parseJsonRecords(text);
  } catch (err) {
    throw new ParamError('--file', `${file}: ${(err as Error).message}`);
  }
}
