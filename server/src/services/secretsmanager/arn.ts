// Secret ARNs and SecretId resolution. The one module that builds and parses secret ARNs
// (ARCHITECTURE.md convention 5). Pure: the random suffix takes its bytes from the caller.

import { awsErrors } from '../../errors/aws-errors.ts';

export interface ArnScope {
  accountId: string;
  region: string;
  /** `aws` unless the deployment says otherwise (aws-cn, aws-us-gov ...). */
  partition?: string;
}

export type ParsedSecretId =
  | { kind: 'arn'; arn: string; partition: string; region: string; accountId: string; nameWithSuffix: string }
  | { kind: 'name'; name: string };

/**
 * One way the store may find the secret a SecretId means. Lookups from an ARN carry the ARN's
 * account and region: the service looks there (cross-account access goes through the resource
 * policy), not in the caller's scope.
 */
export type SecretLookup =
  | { by: 'arn'; arn: string; accountId: string; region: string }
  | { by: 'name'; name: string; accountId?: string; region?: string };

export const SUFFIX_LENGTH = 6;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Largest multiple of 62 that fits in a byte: bytes at or above it are rejected so that every
// character is equally likely (a plain `byte % 62` would favour the first 8 characters).
const SUFFIX_ACCEPT_BELOW = 256 - (256 % SUFFIX_ALPHABET.length);

/** AWS's own wording; also what it answers for `*`, `?`, space, `]`, `\` in a SecretId. */
export const INVALID_NAME_MESSAGE =
  'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!';

// The model's prose lists `/_+=.@-`, but AWS's error text (and AWS itself) also accepts `!`.
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@!-]+$/;

// arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<suffix>. A name cannot contain
// ':', so the name part is everything after `secret:` and the split is unambiguous.
const ARN_PATTERN = /^arn:([a-z][a-z0-9-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;

export function buildSecretArn(scope: ArnScope, name: string, suffix: string): string {
  const partition = scope.partition ?? 'aws';
  return `arn:${partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:${name}-${suffix}`;
}

/**
 * Six characters from [A-Za-z0-9], drawn without modulo bias. A new suffix is drawn for every
 * CreateSecret: a name deleted and created again gets a new ARN, so stale full ARNs stop resolving.
 */
export function randomSuffix(randomBytes: (n: number) => Buffer): string {
  let out = '';
  while (out.length < SUFFIX_LENGTH) {
    for (const byte of randomBytes(SUFFIX_LENGTH * 2)) {
      if (byte >= SUFFIX_ACCEPT_BELOW) continue;
      out += SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length];
      if (out.length === SUFFIX_LENGTH) break;
    }
  }
  return out;
}

/**
 * A SecretId is a full ARN, a partial ARN (the ARN without `-<suffix>`) or a name. Anything that
 * is not a well-formed Secrets Manager secret ARN is taken as a name: it then fails name validation
 * on its ':' (ValidationException), which is what AWS answers for a malformed ARN too.
 */
export function parseSecretId(secretId: string): ParsedSecretId {
  const m = ARN_PATTERN.exec(secretId);
  if (!m) return { kind: 'name', name: secretId };
  return { kind: 'arn', arn: secretId, partition: m[1], region: m[2], accountId: m[3], nameWithSuffix: m[4] };
}

/**
 * What the store should try, in order, for a SecretId.
 *
 * For an ARN: first the exact full ARN; failing that, the part after `secret:` as a name, which is
 * what makes a partial ARN work. The order matters for names that themselves end in `-xxxxxx`
 * (AWS: "partial ARNs work also for names like db-a1b2c3"): for `...:secret:db-a1b2c3`, a secret
 * named `db` whose random suffix happens to be `a1b2c3` wins over a secret named `db-a1b2c3`.
 * That is the confusion the CreateSecret documentation warns about; an exact ARN is always
 * the more specific match. A full ARN with a stale suffix (secret recreated) is NOT retried with
 * the suffix stripped: it falls through to a name lookup of `name-oldsfx`, which finds nothing.
 *
 * For a name: the name in the caller's scope.
 */
export function candidateLookups(secretId: string): SecretLookup[] {
  const parsed = parseSecretId(secretId);
  if (parsed.kind === 'name') return [{ by: 'name', name: parsed.name }];
  const { arn, accountId, region, nameWithSuffix } = parsed;
  return [
    { by: 'arn', arn, accountId, region },
    { by: 'name', name: nameWithSuffix, accountId, region },
  ];
}

/**
 * Names: ASCII letters, digits and -/_+=.@! . Length (1..512) is the protocol layer's job.
 *
 * Decision: a name ending in a hyphen and six characters (`db-a1b2c3`) is accepted. The CreateSecret
 * documentation only advises against it ("you risk confusion ... when searching by partial ARN"),
 * and AWS itself creates such secrets (the behaviours sheet resolves partial ARNs for them);
 * candidateLookups() defines how the ambiguity resolves.
 */
export function validateSecretName(name: string): void {
  if (!NAME_PATTERN.test(name)) throw awsErrors.validation(INVALID_NAME_MESSAGE);
}

/**
 * A SecretId is validated before existence, on every operation that takes one (AWS checks the
 * characters first: `SecretId: "a b"` is a ValidationException, not ResourceNotFound). For an ARN
 * only the name part is checked: the ARN's own ':' are fine.
 */
export function validateSecretId(secretId: string): void {
  const parsed = parseSecretId(secretId);
  validateSecretName(parsed.kind === 'arn' ? parsed.nameWithSuffix : parsed.name);
}

/**
 * The account and region a SecretId points into: a full or partial ARN of another account in the caller's
 * region names that account (cross-account access, granted by the secret's resource policy); anything else
 * is the caller's own scope. An ARN of another region finds nothing (lookupSecret skips it).
 */
export function secretScope(scope: ArnScope, secretId: string): { accountId: string; region: string } {
  const parsed = parseSecretId(secretId);
  if (parsed.kind === 'arn' && parsed.region === scope.region) return { accountId: parsed.accountId, region: parsed.region };
  return { accountId: scope.accountId, region: scope.region };
}

/**
 * The ARN an authorization check names for a SecretId that found no secret: the ARN as given, or the
 * name's ARN without the random suffix (which a missing secret does not have).
 */
export function unresolvedSecretArn(scope: ArnScope, secretId: string): string {
  const parsed = parseSecretId(secretId);
  if (parsed.kind === 'arn') return parsed.arn;
  return `arn:${scope.partition ?? 'aws'}:secretsmanager:${scope.region}:${scope.accountId}:secret:${parsed.name}`;
}
