// What the console shows for a failed call: the API's own error name and message, unchanged.
export class ApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; message?: string; Message?: string };
    const message = e.message || e.Message || String(err);
    return e.name && e.name !== 'Error' ? `${e.name}: ${message}` : message;
  }
  return String(err);
}
