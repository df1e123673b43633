// --output table: the aws CLI's TableFormatter walk over the response (a dict's scalar keys sorted as one row
// under a header, each list or dict below as a nested section) drawn by table-layout.ts.
import { pyCompare } from './text.ts';
import { isScalar, pythonStr } from './python-str.ts';
import { COLOR, MultiTable, PLAIN } from './table-layout.ts';

type Dict = Record<string, unknown>;

export function formatTable(title: string, data: unknown, options: { color: boolean; width: number }): string {
  const table = new MultiTable(options.width, options.color ? COLOR : PLAIN);
  return buildTable(table, title, data, 0) ? table.render() : '';
}

function buildTable(table: MultiTable, title: string | undefined, current: unknown, indent: number): boolean {
  if (!truthy(current)) return false;
  if (title !== undefined) table.newSection(title, indent);
  if (Array.isArray(current)) {
    if (isDict(current[0])) {
      subTableFromList(table, current as Dict[], indent, title);
    } else {
      for (const item of current) {
        if (isScalar(item)) table.addRow([pythonStr(item)]);
        else if (Array.isArray(item) && item.every(isScalar)) table.addRow(item.map(pythonStr));
        // Python's all() over a dict walks its keys, so the aws CLI prints a dict here as a row of its keys.
        else if (isDict(item)) table.addRow(Object.keys(item));
        else buildTable(table, undefined, item, 0);
      }
    }
  }
  if (isDict(current)) subTableFromDict(table, current, indent);
  return true;
}

function subTableFromDict(table: MultiTable, current: Dict, indent: number): void {
  const [headers, more] = groupScalarKeys(current);
  if (headers.length === 1) table.addRow([headers[0], pythonStr(current[headers[0]])]);
  else if (headers.length) {
    table.addRowHeader(headers);
    table.addRow(headers.map((k) => pythonStr(current[k])));
  }
  for (const key of more) buildTable(table, key, current[key], indent + 1);
}

function subTableFromList(table: MultiTable, current: Dict[], indent: number, title: string | undefined): void {
  const headerSet = new Set<string>();
  const moreSet = new Set<string>();
  for (const item of current) {
    if (!isDict(item)) continue;
    const [h, m] = groupScalarKeys(item);
    h.forEach((k) => headerSet.add(k));
    m.forEach((k) => moreSet.add(k));
  }
  const headers = [...headerSet].sort(pyCompare);
  const more = [...moreSet].sort(pyCompare);
  table.addRowHeader(headers);
  current.forEach((element, i) => {
    if (i > 0 && more.length) {
      table.newSection(title ?? '', indent);
      table.addRowHeader(headers);
    }
    table.addRow(headers.map((h) => (h in element ? pythonStr(element[h]) : '')));
    for (const key of more) if (key in element) buildTable(table, key, element[key], indent + 1);
  });
}

function groupScalarKeys(current: Dict): [string[], string[]] {
  const headers: string[] = [];
  const more: string[] = [];
  for (const key of Object.keys(current)) (isScalar(current[key]) ? headers : more).push(key);
  return [headers.sort(pyCompare), more.sort(pyCompare)];
}

function isDict(v: unknown): v is Dict {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Python truthiness, which decides whether the aws CLI draws anything. */
function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return v !== null && v !== undefined && v !== false && v !== 0 && v !== '';
}
