// One generic command per Secrets Manager operation, built from the service model: flags from the input shape,
// output normalised by the output shape, automatic pagination for list operations. No per-verb code.
import type { Command } from 'commander';
import { addOperationOptions, collectInput, collectPaging } from '../args/operation-options.ts';
import { UsageError } from '../errors.ts';
import { kebabName } from '../model/names.ts';
import { EXAMPLES, PAGINATORS, type OperationName } from '../model/operations.ts';
import { firstSentence, shapeOf, type ServiceModel } from '../model/service-model.ts';
import { fullResult, paginate, textPages } from '../client/paginate.ts';
import { normalize } from '../output/normalize.ts';
import { render, renderTextPages } from '../output/render.ts';
import { globalsOf, openCaller, renderOptions, writeStdout } from './context.ts';

export function addOperationCommand(program: Command, model: ServiceModel, operation: OperationName): void {
  const op = model.operations[operation];
  const input = op.input ? shapeOf(model, op.input) : undefined;
  const output = op.output ? shapeOf(model, op.output) : undefined;
  const paginator = PAGINATORS[operation];
  const cmd = program.command(kebabName(operation)).description(firstSentence(op.documentation));
  addOperationOptions(cmd, model, input, paginator);
  cmd.addHelpText('after', `\nExample:\n  ${EXAMPLES[operation]}\n`);

  cmd.action(async (opts: Record<string, unknown>, command: Command) => {
    const globals = globalsOf(command);
    const outputOptions = renderOptions(globals, operation);
    const params = collectInput(model, input, opts);
    const paging = collectPaging(opts);
    const manualPaging = paginator !== undefined && (params[paginator.inputToken] !== undefined || params[paginator.limitKey] !== undefined);
    const paginated = paginator !== undefined && globals.paginate !== false && !manualPaging;
    if (!paginated) {
      // As the aws CLI: --next-token/--max-results (or --no-paginate) mean one request, which the paging flags contradict.
      const given: [string, unknown][] = [['--starting-token', paging.startingToken], ['--page-size', paging.pageSize], ['--max-items', paging.maxItems]];
      const used = given.filter(([, value]) => value !== undefined).map(([flag]) => flag);
      if (used.length) throw new UsageError(`Cannot specify --no-paginate along with pagination arguments: ${used.join(', ')}`);
    }
    const caller = await openCaller(globals);
    try {
      if (paginated) {
        const paged = await paginate(caller, operation, params, paginator, paging);
        paged.pages = paged.pages.map((page) => normalize(model, output, page) as Record<string, unknown>);
        paged.nonAggregate = normalize(model, output, paged.nonAggregate) as Record<string, unknown>;
        const text = outputOptions.format === 'text' ? renderTextPages(textPages(paged, paginator), outputOptions) : render(fullResult(paged, paginator), outputOptions);
        await writeStdout(text);
      } else {
        const response = await caller.call(operation, params);
        await writeStdout(render(normalize(model, output, response), outputOptions));
      }
    } finally {
      caller.destroy();
    }
  });
}
