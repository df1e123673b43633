// Chooses the formatter for --output and applies --query first, as the aws CLI does. A paginated listing in
// text format is written page by page (the query applied to each page), like the aws CLI's TextFormatter.
import type { GlobalOptions, OutputFormat } from '../args/global-options.ts';
import { formatJson } from './json.ts';
import type { Query } from './query.ts';
import { formatTable } from './table.ts';
import { formatText } from './text.ts';
import { formatYaml } from './yaml.ts';

export interface RenderOptions {
  format: OutputFormat;
  query?: Query;
  /** The table title: the operation's API name. */
  title: string;
  color: GlobalOptions['color'];
}

export function render(data: unknown, opts: RenderOptions): string {
  const result = opts.query ? opts.query.search(data) : data;
  switch (opts.format) {
    case 'off':
      return '';
    case 'text':
      return formatText(result);
    case 'table': {
      const tty = process.stdout.isTTY === true;
      const color = opts.color === 'on' || (opts.color !== 'off' && tty);
      return formatTable(opts.title, result, { color, width: tty ? (process.stdout.columns ?? 80) : 80 });
    }
    case 'yaml':
      return formatYaml(result);
    default:
      return formatJson(result);
  }
}

export function renderTextPages(pages: unknown[], opts: RenderOptions): string {
  return pages.map((page) => formatText(opts.query ? opts.query.search(page) : page)).join('');
}
