// --output json: the aws CLI's json.dump(indent=4, ensure_ascii=False); an empty response prints nothing.

export function formatJson(data: unknown): string {
  if (isEmptyObject(data)) return '';
  return `${JSON.stringify(data, null, 4) ?? 'null'}\n`;
}

export function isEmptyObject(data: unknown): boolean {
  return data !== null && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0;
}
