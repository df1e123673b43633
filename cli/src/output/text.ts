// --output text, as awscli/text.py writes it: a dict's scalars on one tab-separated line (keys sorted), its
// lists and dicts below under an upper-cased identifier; lists of dicts share one sorted key set.
import { isScalar, pythonStr } from './python-str.ts';

export function formatText(data: unknown): string {
  const out: string[] = [];
  formatItem(data, out, undefined, undefined);
  return out.join('');
}

type Dict = Record<string, unknown>;

function formatItem(item: unknown, out: string[], identifier: string | undefined, scalarKeys: string[] | undefined): void {
  if (Array.isArray(item)) formatList(item, out, identifier);
  else if (item !== null && typeof item === 'object') formatDict(item as Dict, out, identifier, scalarKeys);
  else out.push(`${pythonStr(item)}\n`);
}

function formatList(item: unknown[], out: string[], identifier: string | undefined): void {
  if (item.length === 0) return;
  if (item.some((el) => el !== null && typeof el === 'object' && !Array.isArray(el))) {
    const keys = allScalarKeys(item);
    for (const element of item) formatItem(element, out, identifier, keys);
  } else if (item.some(Array.isArray)) {
    const scalars = item.filter(isScalar);
    const nonScalars = item.filter((el) => !isScalar(el));
    if (scalars.length) formatScalarList(scalars, out, identifier);
    for (const el of nonScalars) formatItem(el, out, identifier, undefined);
  } else {
    formatScalarList(item, out, identifier);
  }
}

function formatScalarList(elements: unknown[], out: string[], identifier: string | undefined): void {
  if (identifier !== undefined) for (const el of elements) out.push(`${identifier.toUpperCase()}\t${pythonStr(el)}\n`);
  else out.push(`${elements.map(pythonStr).join('\t')}\n`);
}

function formatDict(item: Dict, out: string[], identifier: string | undefined, scalarKeys: string[] | undefined): void {
  const scalars: string[] = [];
  const nonScalars: [string, unknown][] = [];
  if (scalarKeys === undefined) {
    for (const key of Object.keys(item).sort(pyCompare)) {
      if (isScalar(item[key])) scalars.push(pythonStr(item[key]));
      else nonScalars.push([key, item[key]]);
    }
  } else {
    for (const key of scalarKeys) scalars.push(key in item ? pythonStr(item[key]) : '');
    for (const key of Object.keys(item).filter((k) => !scalarKeys.includes(k)).sort(pyCompare)) nonScalars.push([key, item[key]]);
  }
  if (scalars.length) {
    if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
    out.push(`${scalars.join('\t')}\n`);
  }
  for (const [key, value] of nonScalars) formatItem(value, out, key, undefined);
}

function allScalarKeys(list: unknown[]): string[] {
  const keys = new Set<string>();
  for (const item of list) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    for (const [k, v] of Object.entries(item)) if (isScalar(v)) keys.add(k);
  }
  return [...keys].sort(pyCompare);
}

/** Python sorts strings by code point; JS's default sort compares UTF-16 units (the same below U+D800). */
export function pyCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
