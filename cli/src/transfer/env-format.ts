// The .env file format of import/export. Each secret is one KEY=value line; a preceding comment
//   # coffer: {"Name": "prod/db", "Description": "...", "Tags": [...], "Binary": true}
// carries what a .env line cannot (export always writes it). Without it, a line `KEY=value` imports as the
// secret named KEY. Values: 'single quoted' (literal, may span lines), "double quoted" (\n \r \t \" \\ \$
// escapes, may span lines) or bare (up to a ` #` comment, trimmed); an `export ` prefix is allowed.
// Export writes KEY as the secret's name in env-names.ts form, single quotes unless the value has a quote.
import { envNameForSecret } from '../commands/env-names.ts';
import { parseTags } from './json-format.ts';
import type { SecretRecord } from './record.ts';

const META = /^#\s*coffer:\s*(\{.*\})\s*$/;
const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*/;

export function serializeEnv(records: SecretRecord[], header: string): string {
  const lines = [`# ${header}`];
  for (const r of records) {
    const meta = { Name: r.Name, ...(r.Description !== undefined ? { Description: r.Description } : {}), ...(r.Tags?.length ? { Tags: r.Tags } : {}), ...(r.SecretBinary !== undefined ? { Binary: true } : {}) };
    const value = r.SecretBinary !== undefined ? Buffer.from(r.SecretBinary).toString('base64') : (r.SecretString ?? '');
    lines.push(`# coffer: ${JSON.stringify(meta)}`, `${envNameForSecret(r.Name)}=${quote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function quote(value: string): string {
  if (!value.includes("'") && !value.includes('\r')) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

export function parseEnv(text: string): SecretRecord[] {
  const records: SecretRecord[] = [];
  let meta: Record<string, unknown> | undefined;
  let i = 0;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (i < lines.length) {
    const lineNo = i + 1;
    const raw = lines[i].trimStart();
    const line = raw.trim();
    i += 1;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = META.exec(line);
      if (m) {
        try {
          meta = JSON.parse(m[1]) as Record<string, unknown>;
        } catch {
          throw new Error(`line ${lineNo}: the coffer: comment is not valid JSON`);
        }
      }
      continue;
    }
    const assignment = ASSIGNMENT.exec(raw);
    if (!assignment) throw new Error(`line ${lineNo}: expected KEY=value`);
    let rest = raw.slice(assignment[0].length);
    let value: string;
    const q = rest[0];
    if (q === '"' || q === "'") {
      // A quoted value may continue on the following lines until its closing quote.
      rest = rest.slice(1);
      for (;;) {
        const end = closingQuote(rest, q);
        if (end !== -1) {
          value = q === '"' ? unescape(rest.slice(0, end)) : rest.slice(0, end);
          break;
        }
        if (i >= lines.length) throw new Error(`line ${lineNo}: the quoted value is not closed`);
        rest += `\n${lines[i]}`;
        i += 1;
      }
    } else {
      value = rest.replace(/\s+#.*$/, '').trim();
    }
    records.push(toRecord(assignment[1], value, meta, lineNo));
    meta = undefined;
  }
  return records;
}

function closingQuote(text: string, q: string): number {
  for (let j = 0; j < text.length; j++) {
    if (q === '"' && text[j] === '\\') j += 1;
    else if (text[j] === q) return j;
  }
  return -1;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c as 'n' | 'r' | 't'] ?? c);
}

function toRecord(key: string, value: string, meta: Record<string, unknown> | undefined, lineNo: number): SecretRecord {
  const name = typeof meta?.Name === 'string' && meta.Name ? meta.Name : key;
  const record: SecretRecord = { Name: name };
  if (typeof meta?.Description === 'string') record.Description = meta.Description;
  if (meta?.Tags !== undefined) record.Tags = parseTags(meta.Tags, `line ${lineNo}: Tags`);
  if (meta?.Binary === true) record.SecretBinary = new Uint8Array(Buffer.from(value, 'base64'));
  else record.SecretString = value;
  return record;
}
