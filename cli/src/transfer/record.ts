// One secret as import/export moves it: its name, description, tags and current value.

export interface Tag {
  Key: string;
  Value: string;
}

export interface SecretRecord {
  Name: string;
  Description?: string;
  Tags?: Tag[];
  SecretString?: string;
  SecretBinary?: Uint8Array;
}

export type Outcome = { kind: 'created' } | { kind: 'updated'; changed: string[] } | { kind: 'unchanged' } | { kind: 'exported' } | { kind: 'failed'; message: string };

export function sameValue(a: SecretRecord, b: { SecretString?: unknown; SecretBinary?: unknown }): boolean {
  if (a.SecretBinary !== undefined) return b.SecretBinary instanceof Uint8Array && Buffer.from(a.SecretBinary).equals(Buffer.from(b.SecretBinary));
  return b.SecretBinary === undefined && a.SecretString === b.SecretString;
}

export function valueParams(record: SecretRecord): { SecretString?: string; SecretBinary?: Uint8Array } {
  return record.SecretBinary !== undefined ? { SecretBinary: record.SecretBinary } : { SecretString: record.SecretString ?? '' };
}
