// What every part of the Secrets Manager service needs: the store, keys, value crypto, clock and
// randomness (dependencies, so tests can freeze them), and the tag rules shared by create and tag.
import { awsErrors } from '../../errors/aws-errors.ts';
import type { Store } from '../../store/db.ts';
import type { ReadCache } from '../../store/read-cache.ts';
import type { Authorizer } from '../../access/authorizer.ts';
import type { KeyService } from '../kms/key-service.ts';
import type { Tag } from './secret-store.ts';
import type { ValueCrypto, SecretValue } from './value-crypto.ts';

export interface SecretServiceDeps {
  store: Store;
  /** the request path's cache of rows and data keys (store/read-cache.ts) */
  cache: ReadCache;
  keys: KeyService;
  values: ValueCrypto;
  now: () => number;
  randomBytes: (n: number) => Buffer;
  randomUUID: () => string;
  randomInt: (max: number) => number;
  /** Authorization (access/). A scope without a caller is an internal call and is trusted. */
  authorizer: Authorizer;
  /** A replica written or failed, once its transaction committed (the audit trail's service events). */
  onReplication?: (event: ReplicationEvent) => void;
}

/** What replication did to one replica, for the audit trail (nothing secret). */
export interface ReplicationEvent {
  accountId: string;
  /** the replica's region */
  region: string;
  eventName: 'ReplicationSucceeded' | 'ReplicationFailed';
  resourceArn: string;
  details: { PrimarySecretId: string; Region: string; StatusMessage?: string };
}

export const MAX_TAGS = 50;
/**
 * AWS's quota on a secret value is 65,536 bytes. The model's max of 65,536 counts UTF-16 code units, so a
 * multi-byte SecretString (up to 3 bytes per unit in UTF-8) passes it and is caught here.
 */
export const MAX_VALUE_BYTES = 65_536;
const DAY_MS = 24 * 60 * 60 * 1000;

/** LastAccessedDate is kept to the day, as AWS does; that also keeps reads from writing more than once a day. */
export function startOfDay(ms: number): number {
  return ms - (ms % DAY_MS);
}

export function toDate(ms: number | null | undefined): Date | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms);
}

export function requireToken(token: string | undefined, error: (message: string) => Error = awsErrors.invalidRequest): string {
  // AWS answers raw requests without a token this way (RotateSecret with InvalidParameterException, hence
  // `error`); the SDKs and CLIs always generate one.
  if (token === undefined) throw error('You must provide a ClientRequestToken value. We recommend a UUID-type value.');
  return token;
}

/** The value of a write request: exactly one of SecretString / SecretBinary, or none. */
export function valueOf(input: { SecretString?: string; SecretBinary?: Uint8Array }): SecretValue | undefined {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw awsErrors.invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  let value: SecretValue | undefined;
  if (input.SecretString !== undefined) value = { kind: 'string', bytes: Buffer.from(input.SecretString, 'utf8') };
  if (input.SecretBinary !== undefined) value = { kind: 'binary', bytes: Buffer.from(input.SecretBinary) };
  if (value && value.bytes.length > MAX_VALUE_BYTES) {
    // Never echo the value; its size is enough to act on.
    throw awsErrors.invalidParameter(
      `The secret value is ${value.bytes.length} bytes (UTF-8); a secret value can be at most ${MAX_VALUE_BYTES} bytes.`,
    );
  }
  return value;
}

export function sameValue(a: SecretValue, b: SecretValue): boolean {
  return a.kind === b.kind && a.bytes.equals(b.bytes);
}

/**
 * A request's tags as stored. The model leaves both members of a Tag optional, but a tag is named by its
 * key: one without a Key is refused, one without a Value gets ''.
 */
export function requestTags(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Tag[] {
  return (tags ?? []).map((t, i) => {
    if (t.Key === undefined) throw awsErrors.invalidParameter(`Tag ${i + 1} of the request has no Key: every tag needs a Key (its Value may be empty).`);
    return { Key: t.Key, Value: t.Value ?? '' };
  });
}

/** Tag keys are case-sensitive, one per key; `aws:` is reserved; at most 50 per secret. */
export function checkTags(tags: Tag[]): void {
  const seen = new Set<string>();
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw awsErrors.invalidParameter(`Invalid tag key ${tag.Key}: tag keys starting with "aws:" are reserved for AWS use.`);
    }
    if (seen.has(tag.Key)) throw awsErrors.invalidParameter(`Duplicate tag key ${tag.Key}: a secret can have only one tag with a given key.`);
    seen.add(tag.Key);
  }
}

/** Merges new tags over existing ones (same key: the value is replaced) and checks the limit. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  checkTags(added);
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) merged.set(t.Key, t.Value);
  if (merged.size > MAX_TAGS) {
    throw awsErrors.invalidParameter(`A secret can have at most ${MAX_TAGS} tags; this request would leave it with ${merged.size}.`);
  }
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}
