// What a careless or hostile client sends instead of a well-formed body: members dropped, values of the
// wrong JSON type, empty and huge strings, U+0000 and other control characters, lone surrogates, deep
// nesting, unknown members (including __proto__); and whole bodies that are not JSON, not UTF-8 or too big.
import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../../src/http/server.ts';
import { RawJson, Ref, setMember } from './refs.ts';

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDFFFy',
    '\uDBFF\uDFFF',
    '\u0007\u001b[2J\u007f',
    '\t\r\n',
    '\u2028\u2029\uFEFF\uFFFF',
    '%00',
    '../../etc/passwd',
    "'; drop table secrets; --",
    '*',
    '!',
    'aws:reserved',
    'AWSCURRENT',
    'alias/aws/secretsmanager',
    'arn:aws:secretsmanager:us-east-1:111122223333:secret:fuzz-alpha',
    'arn:aws:kms:us-east-1:111122223333:alias/fuzz-one',
    '__proto__',
    'constructor',
  ),
  // Any code point, control characters included.
  fc.string({ unit: 'binary', maxLength: 20 }),
  // Lone surrogate halves and NUL among ordinary characters.
  fc.string({ unit: fc.constantFrom('\u0000', '\uD800', '\uDC00', '\u001f', 'a', '-'), minLength: 1, maxLength: 12 }),
  // Just past the models' limits (tag 128/256, description 2048, policy 20480, value 65536), and far past.
  fc
    .tuple(fc.constantFrom(129, 257, 2049, 20_481, 65_537, 150_000), fc.constantFrom('a', 'é', '😀', '\u0000'))
    .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
);

/** Nesting far deeper than any model shape: JSON.parse takes it, nothing recursive may choke on it. */
const deepNesting: fc.Arbitrary<RawJson> = fc
  .tuple(fc.integer({ min: 50, max: 50_000 }), fc.boolean())
  .map(([depth, arrays]) => new RawJson(arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.integer(),
  fc.constantFrom(-1, 0, 0.5, -0, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, 1e-320),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, [null], { '': '' }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
  deepNesting,
);

export type BodyChange =
  | { kind: 'delete'; site: number }
  | { kind: 'replace'; site: number; value: unknown }
  | { kind: 'add'; site: number; name: string; value: unknown }
  | { kind: 'affix'; site: number; text: string; atStart: boolean };

export const bodyChange: fc.Arbitrary<BodyChange> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), site: fc.nat() }),
  // An otherwise valid string (or existing name) with a character it should not have: this is what gets past
  // the type checks into lookups and SQL.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('affix' as const),
      site: fc.nat(),
      // U+0000 most often: PostgreSQL's text cannot hold it, so it is where the two stores can part.
      text: fc.oneof({ weight: 3, arbitrary: fc.constant('\u0000') }, fc.constantFrom('\uD800', '\uDFFF', '\u001f', '\u007f', ' ', '%00', '*', '\\', "'", 'é', '😀')),
      atStart: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace' as const), site: fc.nat(), value: hostileValue }) },
  fc.record({
    kind: fc.constant('add' as const),
    site: fc.nat(),
    // Unknown members, members of other operations, and names that are properties of Object.prototype.
    name: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'SecretId', 'KeyId', 'Unknown', ''), hostileString),
    value: hostileValue,
  }),
);

/** A copy of `body` with one change applied at the `site`-th container slot (modulo their number). */
export function applyChange(body: Record<string, unknown>, change: BodyChange): Record<string, unknown> {
  const copy = clone(body) as Record<string, unknown>;
  if (change.kind === 'affix') {
    const strings = containers(copy).flatMap((c) =>
      Object.entries(c)
        .filter(([, v]) => typeof v === 'string' || v instanceof Ref)
        .map(([key, v]) => [c, key, v as string | Ref] as const),
    );
    if (strings.length === 0) return copy;
    const [container, key, value] = strings[change.site % strings.length];
    setMember(container, key, withAffix(value, change.text, change.atStart));
    return copy;
  }
  if (change.kind === 'add') {
    const objects = containers(copy).filter((c): c is Record<string, unknown> => !Array.isArray(c));
    setMember(objects[change.site % objects.length], change.name, change.value);
    return copy;
  }
  const slots = containers(copy).flatMap((c) => Object.keys(c).map((key) => [c, key] as const));
  if (slots.length === 0) return copy;
  const [container, key] = slots[change.site % slots.length];
  if (change.kind === 'replace') setMember(container, key, change.value);
  else if (Array.isArray(container)) container.splice(Number(key), 1);
  else delete (container as Record<string, unknown>)[key];
  return copy;
}

/** Whole bodies that are not a JSON object of the operation's members. */
export const rawBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      '',
      '{',
      '{"SecretId":',
      'nope',
      'null',
      '[]',
      '[{}]',
      '"text"',
      '1',
      'true',
      '{"Name":"a","Name":"b"}',
      '\uFEFF{}',
      '{"__proto__":{"SecretId":"fuzz-alpha"}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"SecretId":"fuzz-alpha"}{"SecretId":"fuzz-alpha"}',
      '{"SecretId":"\\ud800"}',
      '{"SecretId":"\\u0000"}',
    )
    .map((text) => Buffer.from(text, 'utf8')),
  // Not UTF-8: bytes that never occur in it, an overlong encoding of '/', a lone continuation byte.
  fc.constantFrom(
    Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    Buffer.concat([Buffer.from('{"Name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"SecretId":"'), Buffer.from([0x80]), Buffer.from('"}')]),
  ),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
);

/** A JSON body just over the server's limit (the 413 path, before authentication). */
export const oversizedBody: fc.Arbitrary<Buffer> = fc
  .integer({ min: 1, max: 256 * 1024 })
  .map((extra) => Buffer.from(`{"SecretString":"${'x'.repeat(MAX_BODY_BYTES + extra)}"}`));

function withAffix(value: string | Ref, text: string, atStart: boolean): string | Ref {
  if (typeof value === 'string') return atStart ? text + value : value + text;
  const { before, after } = value.affix;
  return new Ref(value.kind, value.index, atStart ? { before: text + before, after } : { before, after: after + text });
}

function clone(value: unknown): unknown {
  if (value instanceof Ref || value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setMember(out, k, clone(v));
  return out;
}

/** Every object and array in the body, the body first (a RawJson or Ref is a leaf). */
function containers(value: unknown, out: object[] = []): object[] {
  if (value === null || typeof value !== 'object' || value instanceof Ref || value instanceof RawJson) return out;
  out.push(value);
  for (const v of Object.values(value)) containers(v, out);
  return out;
}
