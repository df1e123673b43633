// Python's str() of a JSON value, which the aws CLI's text and table output use for scalars.

export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function pythonFloat(value: number): string {
  const s = String(value);
  return /e/.test(s) ? s.replace(/e([+-])(\d)$/, 'e$10$2') : s;
}

export function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}
