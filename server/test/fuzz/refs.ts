// Names and ids that exist in the seeded stores. A generated request holds a Ref where it names one; the
// Ref is resolved per store when the request is sent, because the same seeded secret has a different ARN
// suffix (and the same key a different key id) in each store.

/** What a Ref can name; each store lists its values of every kind in the same order (fuzz-stores.ts). */
export const REF_KINDS = [
  'secret',
  'secretName',
  'version',
  'stage',
  'tagKey',
  'key',
  'alias',
  'ciphertext',
  'user',
  'policyName',
  'policy',
  'accessKey',
  'function',
  'functionArn',
  'account',
  'principal',
  'grant',
  'grantToken',
] as const;

export type RefKind = (typeof REF_KINDS)[number];

export type StoreRefs = Record<RefKind, string[]>;

export class Ref {
  constructor(
    readonly kind: RefKind,
    readonly index: number,
    /** added around the resolved value by a mutation ('fuzz-alpha' + U+0000...) */
    readonly affix: { before: string; after: string } = { before: '', after: '' },
  ) {}
}

/** JSON text spliced into the body as is (e.g. nesting too deep for JSON.stringify to walk). */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * Which kinds of existing value a member of this name may take. Member names are the same across the three
 * models where they mean the same thing (SecretId, KeyId, UserName...), so the table is keyed by name.
 */
const MEMBER_REFS: Record<string, readonly RefKind[]> = {
  SecretId: ['secret'],
  SecretIdList: ['secret'],
  Name: ['secretName', 'function'],
  ClientRequestToken: ['version'],
  VersionId: ['version'],
  MoveToVersionId: ['version'],
  RemoveFromVersionId: ['version'],
  RotationToken: ['version'],
  VersionStage: ['stage'],
  VersionStages: ['stage'],
  Key: ['tagKey'],
  TagKey: ['tagKey'],
  TagKeys: ['tagKey'],
  Values: ['secretName', 'tagKey'],
  KmsKeyId: ['key'],
  KeyId: ['key'],
  TargetKeyId: ['key'],
  SourceKeyId: ['key'],
  DestinationKeyId: ['key'],
  AliasName: ['alias'],
  CiphertextBlob: ['ciphertext'],
  SourceCiphertextBlob: ['ciphertext'],
  UserName: ['user'],
  PolicyName: ['policyName'],
  ResourcePolicy: ['policy'],
  PolicyDocument: ['policy'],
  Policy: ['policy'],
  AccessKeyId: ['accessKey'],
  RotationLambdaARN: ['functionArn'],
  AccountId: ['account'],
  ResourceArn: ['secret', 'key'],
  GranteePrincipal: ['principal'],
  RetiringPrincipal: ['principal'],
  GrantId: ['grant'],
  GrantToken: ['grantToken'],
  GrantTokens: ['grantToken'],
};

export function refKindsFor(memberName: string): readonly RefKind[] {
  return MEMBER_REFS[memberName] ?? [];
}

/** A copy of `value` with every Ref replaced by the store's value (RawJson stays for the serializer). */
export function resolveRefs(value: unknown, refs: StoreRefs): unknown {
  if (value instanceof Ref) {
    const values = refs[value.kind];
    const resolved = values.length === 0 ? '' : values[value.index % values.length];
    return value.affix.before + resolved + value.affix.after;
  }
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, refs));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setMember(out, k, resolveRefs(v, refs));
  return out;
}

/** Sets a member even when it is named __proto__ (which plain assignment turns into the prototype). */
export function setMember(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON text of a resolved body, RawJson spliced in verbatim. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `\u{F0000}raw${raws.length - 1}\u{F0000}`;
  });
  return raws.length === 0 ? text : text.replace(/"\u{F0000}raw(\d+)\u{F0000}"/gu, (_m, i: string) => raws[Number(i)]);
}
