// The JSON file format of import/export:
//   {"Secrets": [{"Name": "prod/db", "Description": "...", "Tags": [{"Key": "team", "Value": "core"}],
//                 "SecretString": "..."}]}
// A binary value is "SecretBinary": base64. A bare array of such objects is accepted on import too.
import type { SecretRecord, Tag } from './record.ts';

export function serializeJson(records: SecretRecord[]): string {
  const secrets = records.map((r) => ({
    Name: r.Name,
    ...(r.Description !== undefined ? { Description: r.Description } : {}),
    ...(r.Tags?.length ? { Tags: r.Tags } : {}),
    ...(r.SecretBinary !== undefined ? { SecretBinary: Buffer.from(r.SecretBinary).toString('base64') } : { SecretString: r.SecretString ?? '' }),
  }));
  return `${JSON.stringify({ Secrets: secrets }, null, 4)}\n`;
}

export function parseJsonRecords(text: string): SecretRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('the file is not valid JSON');
  }
  const list = Array.isArray(data) ? data : (data as { Secrets?: unknown } | null)?.Secrets;
  if (!Array.isArray(list)) throw new Error('expected {"Secrets": [...]} or a JSON array of secrets');
  return list.map((item, i) => toRecord(item, i));
}

function toRecord(item: unknown, i: number): SecretRecord {
  const where = `Secrets[${i}]`;
  if (item === null || typeof item !== 'object') throw new Error(`${where} is not an object`);
  const o = item as Record<string, unknown>;
  if (typeof o.Name !== 'string' || o.Name === '') throw new Error(`${where} has no Name`);
  if (o.Description !== undefined && typeof o.Description !== 'string') throw new Error(`${where}.Description is not a string`);
  const tags = o.Tags === undefined ? undefined : parseTags(o.Tags, `${where}.Tags`);
  const record: SecretRecord = { Name: o.Name, ...(o.Description !== undefined ? { Description: o.Description as string } : {}), ...(tags ? { Tags: tags } : {}) };
  if (typeof o.SecretBinary === 'string') record.SecretBinary = new Uint8Array(Buffer.from(o.SecretBinary, 'base64'));
  else if (typeof o.SecretString === 'string') record.SecretString = o.SecretString;
  else throw new Error(`${where} has neither SecretString nor SecretBinary`);
  return record;
}

export function parseTags(value: unknown, where: string): Tag[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list`);
  return value.map((t, j) => {
    const tag = t as Record<string, unknown> | null;
    if (!tag || typeof tag.Key !== 'string' || typeof (tag.Value ?? '') !== 'string') throw new Error(`${where}[${j}] needs a string Key and Value`);
    return { Key: tag.Key, Value: (tag.Value as string | undefined) ?? '' };
  });
}
