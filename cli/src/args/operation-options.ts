// Flags of an operation, derived from its input shape: member PascalCase -> --kebab-case, booleans as
// --flag/--no-flag, lists variadic, plus --cli-input-json and, for paginated operations, the aws CLI's
// --starting-token/--page-size/--max-items. collectInput() turns the parsed flags back into the API input.
import { Option, type Command } from 'commander';
import { ParamError, UsageError } from '../errors.ts';
import { kebabName, optionKey } from '../model/names.ts';
import type { PaginatorConfig } from '../model/operations.ts';
import { firstSentence, shapeOf, type ServiceModel, type Shape } from '../model/service-model.ts';
import { loadParamFile } from './param-file.ts';
import { coerceJson, parseJson, unpackArgument } from './unpack.ts';

export interface PagingArgs {
  startingToken?: string;
  pageSize?: number;
  maxItems?: number;
}

export function addOperationOptions(cmd: Command, model: ServiceModel, input: Shape | undefined, paginator: PaginatorConfig | undefined): void {
  const required = new Set(input?.required ?? []);
  for (const [member, ref] of Object.entries(input?.members ?? {})) {
    if (shadowedByPaging(member, paginator)) continue;
    const shape = shapeOf(model, ref);
    const flag = `--${kebabName(member)}`;
    const hidden = paginator !== undefined && (member === paginator.inputToken || member === paginator.limitKey);
    const doc = `${required.has(member) ? '(required) ' : ''}${firstSentence(ref.documentation ?? shape.documentation)}${typeHint(model, shape)}`;
    if (shape.type === 'boolean') {
      cmd.addOption(hide(new Option(flag, doc), hidden));
      cmd.addOption(hide(new Option(`--no-${kebabName(member)}`, `the opposite of ${flag}`), hidden));
    } else {
      const arg = shape.type === 'list' ? '<value...>' : '<value>';
      cmd.addOption(hide(new Option(`${flag} ${arg}`, doc), hidden));
    }
  }
  cmd.addOption(new Option('--cli-input-json <json>', 'the input as JSON in the API\'s member names (or file://path); flags given as well win'));
  if (paginator) {
    cmd.addOption(new Option('--starting-token <token>', 'resume a listing from the NextToken printed by an earlier --max-items call'));
    cmd.addOption(new Option('--page-size <n>', 'items per request (the listing still continues to the end)'));
    cmd.addOption(new Option('--max-items <n>', 'stop after this many items and print a NextToken to resume with --starting-token'));
  }
}

const PAGING_FLAGS = new Set(['--starting-token', '--page-size', '--max-items']);

/** A paging member whose flag is one of the paging flags (IAM's MaxItems): the aws CLI offers only the paging flag. */
function shadowedByPaging(member: string, paginator: PaginatorConfig | undefined): boolean {
  return paginator !== undefined && (member === paginator.inputToken || member === paginator.limitKey) && PAGING_FLAGS.has(`--${kebabName(member)}`);
}

function hide(option: Option, hidden: boolean): Option {
  return hidden ? option.hideHelp() : option;
}

function typeHint(model: ServiceModel, shape: Shape): string {
  if (shape.type === 'list') {
    const member = shapeOf(model, shape.member!);
    if (member.type === 'structure') {
      const keys = Object.keys(member.members ?? {}).map((k) => `${k}=${shapeOf(model, member.members![k]).type === 'list' ? 'a,b' : 'string'}`);
      return ` [list: ${keys.join(',')} ... or JSON]`;
    }
    return ' [list: one or more values, or a JSON list]';
  }
  if (shape.enum) return ` [one of: ${shape.enum.join(', ')}]`;
  if (shape.type === 'blob') return ' [base64, or fileb://path]';
  if (shape.type === 'structure' || shape.type === 'map') return ' [shorthand or JSON]';
  return '';
}

/** The API input from the parsed flags (and --cli-input-json), typed by the model. Refuses missing required members. */
export function collectInput(model: ServiceModel, input: Shape | undefined, opts: Record<string, unknown>, paginator?: PaginatorConfig): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const members = input?.members ?? {};
  if (typeof opts.cliInputJson === 'string') {
    const raw = opts.cliInputJson;
    const loaded = loadParamFile(raw, '--cli-input-json');
    const text = loaded === undefined ? raw : loaded.toString();
    const parsed = parseJson(text, '--cli-input-json');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ParamError('--cli-input-json', 'expected a JSON object');
    Object.assign(params, coerceJson(model, input ?? { type: 'structure', members: {} }, parsed, 'input', '--cli-input-json'));
  }
  for (const [member, ref] of Object.entries(members)) {
    if (shadowedByPaging(member, paginator)) continue;
    const raw = opts[optionKey(`--${kebabName(member)}`)];
    if (raw === undefined) continue;
    params[member] = unpackArgument(model, shapeOf(model, ref), raw, `--${kebabName(member)}`, member);
  }
  const missing = (input?.required ?? []).filter((m) => params[m] === undefined).map((m) => `--${kebabName(m)}`);
  if (missing.length) throw new UsageError(`the following arguments are required: ${missing.join(', ')}`);
  return params;
}

export function collectPaging(opts: Record<string, unknown>): PagingArgs {
  const int = (flag: string, v: unknown): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(String(v))) throw new UsageError(`argument ${flag}: invalid int value`);
    return Number.parseInt(String(v), 10);
  };
  return {
    startingToken: opts.startingToken as string | undefined,
    pageSize: int('--page-size', opts.pageSize),
    maxItems: int('--max-items', opts.maxItems),
  };
}
