// Reading every secret (name, description, tags, current value) from a Secrets Manager endpoint, and writing
// one idempotently: create when missing; otherwise update the description, add missing or changed tags, and
// put a new version only when the current value differs (so a re-run creates no versions).
import type { Caller } from '../client/call.ts';
import { ServiceError } from '../errors.ts';
import { sameValue, valueParams, type Outcome, type SecretRecord, type Tag } from './record.ts';

export interface Listed {
  name: string;
  description?: string;
  tags?: Tag[];
}

export async function listSecrets(caller: Caller, namePrefix: string | undefined): Promise<Listed[]> {
  const out: Listed[] = [];
  let token: string | undefined;
  do {
    const page = await caller.call('ListSecrets', {
      ...(namePrefix ? { Filters: [{ Key: 'name', Values: [namePrefix] }] } : {}),
      ...(token ? { NextToken: token } : {}),
    });
    for (const s of (page.SecretList as Record<string, unknown>[] | undefined) ?? []) {
      out.push({ name: String(s.Name), description: s.Description as string | undefined, tags: s.Tags as Tag[] | undefined });
    }
    token = page.NextToken as string | undefined;
  } while (token);
  return out;
}

export async function readRecord(caller: Caller, listed: Listed): Promise<SecretRecord> {
  const value = await caller.call('GetSecretValue', { SecretId: listed.name });
  return {
    Name: listed.name,
    ...(listed.description !== undefined ? { Description: listed.description } : {}),
    ...(listed.tags?.length ? { Tags: listed.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })) } : {}),
    ...(value.SecretBinary instanceof Uint8Array ? { SecretBinary: value.SecretBinary } : { SecretString: String(value.SecretString ?? '') }),
  };
}

export async function writeRecord(caller: Caller, record: SecretRecord): Promise<Outcome> {
  const existing = await describe(caller, record.Name);
  if (!existing) {
    await caller.call('CreateSecret', {
      Name: record.Name,
      ...(record.Description ? { Description: record.Description } : {}),
      ...(record.Tags?.length ? { Tags: record.Tags } : {}),
      ...valueParams(record),
    });
    return { kind: 'created' };
  }
  if (existing.DeletedDate !== undefined) {
    return { kind: 'failed', message: 'the secret is scheduled for deletion at the destination (restore it with coffer restore-secret first)' };
  }
  const changed: string[] = [];
  if (record.Description !== undefined && record.Description !== ((existing.Description as string | undefined) ?? '')) {
    await caller.call('UpdateSecret', { SecretId: record.Name, Description: record.Description });
    changed.push('description');
  }
  const have = (existing.Tags as Tag[] | undefined) ?? [];
  const missing = (record.Tags ?? []).filter((t) => !have.some((h) => h.Key === t.Key && (h.Value ?? '') === t.Value));
  if (missing.length) {
    await caller.call('TagResource', { SecretId: record.Name, Tags: missing });
    changed.push('tags');
  }
  const current = await currentValue(caller, record.Name);
  if (!current || !sameValue(record, current)) {
    await caller.call('PutSecretValue', { SecretId: record.Name, ...valueParams(record) });
    changed.push('value');
  }
  return changed.length ? { kind: 'updated', changed } : { kind: 'unchanged' };
}

async function describe(caller: Caller, name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await caller.call('DescribeSecret', { SecretId: name });
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

async function currentValue(caller: Caller, name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await caller.call('GetSecretValue', { SecretId: name });
  } catch (err) {
    // A secret with no AWSCURRENT version answers ResourceNotFoundException: it gets the value as a new version.
    if (err instanceof ServiceError && err.code === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
