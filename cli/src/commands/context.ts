// What every client command needs from the global options: a Caller for the endpoint, the output settings.
import type { Command } from 'commander';
import { resolveOutput, type GlobalOptions } from '../args/global-options.ts';
import { createCaller, type Caller } from '../client/call.ts';
import { createClient, type ClientTarget } from '../client/client.ts';
import { compileQuery } from '../output/query.ts';
import type { RenderOptions } from '../output/render.ts';

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export async function openCaller(globals: GlobalOptions, target: ClientTarget = globals, endpointFlag = '--endpoint-url'): Promise<Caller> {
  const { client, endpoint, region } = await createClient(target, endpointFlag);
  return createCaller(client, endpoint, region, globals, target.profile ?? process.env.AWS_PROFILE);
}

/** Output settings, checked before anything is sent (a bad --output or --query is a usage error). */
export function renderOptions(globals: GlobalOptions, title: string): RenderOptions {
  return {
    format: resolveOutput(globals),
    query: globals.query !== undefined ? compileQuery(globals.query) : undefined,
    title,
    color: globals.color,
  };
}

/** Writes to stdout and resolves once the data is handed to the OS, so a following exit loses nothing. */
export function writeStdout(data: string | Uint8Array): Promise<void> {
  if (data.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));
}
