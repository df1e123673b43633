// One generic command per operation of a service (model/services.ts), built from its model: flags from the
// input shape, output normalised by the output shape, automatic pagination for list operations. No per-verb
// code: a verb may only be renamed, given --jsonl over one list member, a check of its result, or a flag that
// follows what the call started (rotate-secret --wait).
import type { Command } from 'commander';
import { addOperationOptions, collectInput, collectPaging } from '../args/operation-options.ts';
import { ExitWith, UsageError } from '../errors.ts';
import { kebabName, optionKey } from '../model/names.ts';
import { firstSentence, shapeOf, type ServiceModel } from '../model/service-model.ts';
import type { ServiceDescriptor } from '../model/services.ts';
import type { Caller } from '../client/call.ts';
import { createJsonCaller } from '../client/json-caller.ts';
import { fullResult, paginate, textPages } from '../client/paginate.ts';
import { normalize } from '../output/normalize.ts';
import { render, renderTextPages } from '../output/render.ts';
import { globalsOf, openCaller, renderOptions, writeStdout } from './context.ts';
import type { GlobalOptions } from '../args/global-options.ts';

export interface OperationCommandOptions {
  /** The verb, when not the descriptor's name for the operation. */
  name?: string;
  /** Adds --jsonl: the whole listing, one element of this output member per line as compact JSON. */
  jsonLines?: string;
  /** After the output is printed: a message for stderr when the result means failure (exit 1). */
  check?: (result: Record<string, unknown>) => string | undefined;
  /** A flag (e.g. --wait) that, when given, runs `run` once the output is printed: following what the call started. */
  follow?: { flag: string; description: string; run(result: Record<string, unknown>, params: Record<string, unknown>, globals: GlobalOptions): Promise<void> };
}

export function verbName(service: ServiceDescriptor, operation: string): string {
  return service.verbNames?.[operation] ?? kebabName(operation);
}

export function addOperationCommand(program: Command, model: ServiceModel, operation: string, service: ServiceDescriptor, extra: OperationCommandOptions = {}): Command {
  const op = model.operations[operation];
  if (!op) throw new Error(`${service.modelFile} has no operation ${operation}`);
  const input = op.input ? shapeOf(model, op.input) : undefined;
  const output = op.output ? shapeOf(model, op.output) : undefined;
  const paginator = service.paginators[operation];
  const cmd = program.command(extra.name ?? verbName(service, operation)).description(firstSentence(op.documentation));
  addOperationOptions(cmd, model, input, paginator);
  if (extra.jsonLines) cmd.option('--jsonl', `print each of ${extra.jsonLines} as one line of JSON (the whole listing; --output and --query do not apply)`);
  if (extra.follow) cmd.option(extra.follow.flag, extra.follow.description);
  const example = service.examples[operation];
  if (example) cmd.addHelpText('after', `\nExample:\n  ${extra.name ? example.replace(`admin ${verbName(service, operation)}`, extra.name) : example}\n`);

  cmd.action(async (opts: Record<string, unknown>, command: Command) => {
    const globals = globalsOf(command);
    const outputOptions = renderOptions(globals, operation);
    const params = collectInput(model, input, opts, paginator);
    const paging = collectPaging(opts);
    const jsonLines = extra.jsonLines !== undefined && opts.jsonl === true;
    const manualPaging = paginator !== undefined && (params[paginator.inputToken] !== undefined || params[paginator.limitKey] !== undefined);
    const paginated = paginator !== undefined && (jsonLines || (globals.paginate !== false && !manualPaging));
    if (!paginated) {
      // As the aws CLI: --next-token/--max-results (or --no-paginate) mean one request, which the paging flags contradict.
      const given: [string, unknown][] = [['--starting-token', paging.startingToken], ['--page-size', paging.pageSize], ['--max-items', paging.maxItems]];
      const used = given.filter(([, value]) => value !== undefined).map(([flag]) => flag);
      if (used.length) throw new UsageError(`Cannot specify --no-paginate along with pagination arguments: ${used.join(', ')}`);
    }
    const caller = await openServiceCaller(model, service, globals);
    let result: Record<string, unknown>;
    try {
      if (paginated) {
        const paged = await paginate(caller, operation, params, paginator, paging);
        paged.pages = paged.pages.map((page) => normalize(model, output, page) as Record<string, unknown>);
        paged.nonAggregate = normalize(model, output, paged.nonAggregate) as Record<string, unknown>;
        result = fullResult(paged, paginator);
        if (jsonLines) {
          const items = (result[extra.jsonLines!] as unknown[] | undefined) ?? [];
          await writeStdout(items.map((item) => `${JSON.stringify(item)}\n`).join(''));
        } else {
          await writeStdout(outputOptions.format === 'text' ? renderTextPages(textPages(paged, paginator), outputOptions) : render(result, outputOptions));
        }
      } else {
        result = normalize(model, output, await caller.call(operation, params)) as Record<string, unknown>;
        await writeStdout(render(result, outputOptions));
      }
    } finally {
      caller.destroy();
    }
    const failure = extra.check?.(result);
    if (failure !== undefined) {
      process.stderr.write(`${failure}\n`);
      throw new ExitWith(1);
    }
    if (extra.follow && opts[optionKey(extra.follow.flag)] === true) await extra.follow.run(result, params, globals);
  });
  return cmd;
}

function openServiceCaller(model: ServiceModel, service: ServiceDescriptor, globals: GlobalOptions): Promise<Caller> {
  return service.json ? createJsonCaller(model, service.json, globals) : openCaller(globals);
}
