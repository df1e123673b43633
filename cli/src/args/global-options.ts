// Options every client verb accepts, named as the aws CLI names them. They may stand before or after the verb.
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4580';
export const OUTPUT_FORMATS = ['json', 'text', 'table', 'yaml', 'off'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface GlobalOptions {
  endpointUrl?: string;
  region?: string;
  profile?: string;
  output?: OutputFormat;
  query?: string;
  color?: 'on' | 'off' | 'auto';
  paginate?: boolean;
  cliPager?: boolean;
  debug?: boolean;
}

/** The global value-taking flags, so main.ts can find the verb in argv without parsing it. */
export const GLOBAL_VALUE_FLAGS = ['--endpoint-url', '--region', '--profile', '--output', '--query', '--color'];

export function addGlobalOptions(program: Command): void {
  program
    .addOption(new Option('--endpoint-url <url>', `the Coffer (or other Secrets Manager) endpoint (env COFFER_ENDPOINT, default ${DEFAULT_ENDPOINT})`))
    .addOption(new Option('--region <region>', 'region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile\'s region, else us-east-1)'))
    .addOption(new Option('--profile <name>', 'a profile from the shared credentials/config files (default: AWS_PROFILE)'))
    .addOption(new Option('--output <format>', 'output format (env AWS_DEFAULT_OUTPUT, default json)').choices(OUTPUT_FORMATS))
    .addOption(new Option('--query <jmespath>', 'a JMESPath query applied to the response'))
    .addOption(new Option('--color <when>', 'colour table output').choices(['on', 'off', 'auto']).default('auto'))
    .addOption(new Option('--no-paginate', 'one request only: no automatic pagination'))
    .addOption(new Option('--no-cli-pager', 'accepted for aws CLI compatibility (coffer never pages)'))
    .addOption(new Option('--debug', 'log each request (operation, parameter names, status) to stderr; never values'));
}

export function resolveOutput(opts: GlobalOptions): OutputFormat {
  const format = opts.output ?? process.env.AWS_DEFAULT_OUTPUT ?? 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`argument --output: Invalid choice, valid choices are: ${OUTPUT_FORMATS.join(' | ')}`);
  }
  return format as OutputFormat;
}

export function resolveEndpoint(url: string | undefined, flag = '--endpoint-url'): string {
  const endpoint = url ?? process.env.COFFER_ENDPOINT ?? DEFAULT_ENDPOINT;
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch {
    throw new UsageError(`Bad value for ${flag} "${endpoint}": scheme is missing. Must be of the form http://<hostname>/ or https://<hostname>/`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`Bad value for ${flag} "${endpoint}": must be of the form http://<hostname>/ or https://<hostname>/`);
  }
  return endpoint;
}

/** Writes a debug line to stderr when --debug is on. Callers pass names and shapes, never values. */
export function debugLog(opts: GlobalOptions, message: string): void {
  if (opts.debug) process.stderr.write(`${new Date().toISOString()} coffer debug: ${message}\n`);
}
