// fast-check arbitraries for request bodies, read from the service models: values that fit each member's
// shape (type, lengths, ranges, patterns, enums), with existing names and ids (Refs) in a share of the
// members that name something, so that valid-looking requests reach past validation into the services.
// Everything invalid comes from mutations.ts on top of these.
import fc from 'fast-check';
import { compilePattern } from '../../src/protocol/model/constraints.ts';
import { shapeOf, type ServiceModelJson, type ShapeJson, type ShapeRef } from '../../src/protocol/model/model-json.ts';
import { Ref, REF_KINDS, refKindsFor, type RefKind } from './refs.ts';

/** Generated lists, maps and strings stay small unless a mutation makes them big. */
const MAX_ITEMS = 4;
const MAX_TEXT = 40;
const ABSENT = Symbol('absent');

export type ShapeArbitrary = (ref: ShapeRef, memberName: string) => fc.Arbitrary<unknown>;

export function createShapeArbitraries(model: ServiceModelJson): ShapeArbitrary {
  const cache = new Map<string, fc.Arbitrary<unknown>>();

  // The three models have no recursive input shapes, so a plain memo is enough.
  const arbitraryOf: ShapeArbitrary = (ref, memberName) => {
    const kinds = refKindsFor(memberName);
    const key = `${ref.shape}|${kinds.join(',')}`;
    let arb = cache.get(key);
    if (!arb) {
      arb = build(shapeOf(model, ref.shape), kinds, memberName);
      cache.set(key, arb);
    }
    return arb;
  };

  const build = (shape: ShapeJson, kinds: readonly RefKind[], memberName: string): fc.Arbitrary<unknown> => {
    switch (shape.type) {
      case 'structure':
        return structure(shape);
      case 'list':
        return fc.array(arbitraryOf(shape.member!, memberName), {
          minLength: shape.min ?? 0,
          maxLength: Math.max(shape.min ?? 0, Math.min(shape.max ?? MAX_ITEMS, MAX_ITEMS)),
        });
      case 'map':
        return fc.dictionary(stringOf(shapeOf(model, shape.key!.shape), []), arbitraryOf(shape.value!, memberName), {
          minKeys: shape.min ?? 0,
          maxKeys: Math.min(shape.max ?? MAX_ITEMS, MAX_ITEMS),
        });
      case 'string':
        return shape.enum ? stringOf(shape, kinds) : withRefs(stringOf(shape, kinds), kinds);
      case 'blob':
        return withRefs(blobOf(shape), kinds);
      case 'boolean':
        return fc.boolean();
      case 'timestamp':
        // Epoch seconds around now, sometimes fractional, sometimes far off.
        return fc.oneof(fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), fc.double({ min: 0, max: 4e9, noNaN: true }));
      default:
        return numberOf(shape);
    }
  };

  // Required members always; each optional one in about a third of the bodies, so that requests are not
  // all stopped by the same rule on some rarely used member (AddReplicaRegions, both value kinds...).
  const structure = (shape: ShapeJson): fc.Arbitrary<unknown> => {
    const required = new Set(shape.required ?? []);
    const members = Object.entries(shape.members ?? {}).map(([name, ref]) => {
      const value = arbitraryOf(ref, name);
      return [name, required.has(name) ? value : fc.oneof({ weight: 2, arbitrary: fc.constant(ABSENT) }, value)] as const;
    });
    return fc.record(Object.fromEntries(members)).map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ABSENT)));
  };

  return arbitraryOf;
}

/** A string member: one of the enum, one that matches the pattern, or text of a length the model allows. */
function stringOf(shape: ShapeJson, kinds: readonly RefKind[]): fc.Arbitrary<string> {
  if (shape.enum) return fc.constantFrom(...shape.enum);
  const min = shape.min ?? 0;
  const max = Math.max(min, Math.min(shape.max ?? MAX_TEXT, MAX_TEXT));
  if (shape.pattern !== undefined) return fc.stringMatching(compilePattern(shape.pattern), { maxLength: max }).map((s) => lengthen(s, min));
  const text = fc.string({ minLength: min, maxLength: max });
  // A member that names something gets names of the same form: these reach name checks and lookups.
  const nameLike = fc.stringMatching(/^[A-Za-z0-9/_+=.@-]+$/, { maxLength: max }).map((s) => lengthen(s, min));
  return kinds.length > 0 ? fc.oneof(nameLike, text) : fc.oneof({ weight: 3, arbitrary: text }, fc.string({ unit: 'grapheme', minLength: min, maxLength: max }));
}

/**
 * stringMatching has no minimum length: a short match is repeated up to `min` (which keeps it matching for
 * the models' character-class patterns; when it does not, the value is simply one more invalid input).
 */
function lengthen(s: string, min: number): string {
  return s.length >= min || s.length === 0 ? s : s.repeat(Math.ceil(min / s.length)).slice(0, min);
}

function blobOf(shape: ShapeJson): fc.Arbitrary<string> {
  const min = shape.min ?? 0;
  const max = Math.max(min, Math.min(shape.max ?? 64, 64));
  return fc.uint8Array({ minLength: min, maxLength: max }).map((bytes) => Buffer.from(bytes).toString('base64'));
}

function numberOf(shape: ShapeJson): fc.Arbitrary<number> {
  const min = shape.min ?? -1000;
  const max = shape.max ?? 100_000;
  const inRange = shape.type === 'float' || shape.type === 'double' ? fc.double({ min, max, noNaN: true }) : fc.integer({ min, max });
  // The bounds themselves and one step past them are where off-by-one rules live.
  return fc.oneof({ weight: 4, arbitrary: inRange }, fc.constantFrom(min, max, min - 1, max + 1, 0, -1));
}

/**
 * Names of any kind, now and then, in a member meant for another kind. Not ciphertexts nor grant tokens: they
 * are random base64 (grant tokens base64url, with `-` and `_` or not by chance), so a name check would pass on
 * one store and fail on the other for reasons of the test's making.
 */
const CROSS_KINDS = REF_KINDS.filter((kind) => kind !== 'ciphertext' && kind !== 'grantToken');

/** Half of the values of a member that names something are existing names. */
function withRefs(plain: fc.Arbitrary<string>, kinds: readonly RefKind[]): fc.Arbitrary<unknown> {
  if (kinds.length === 0) return plain;
  const ref = (from: readonly RefKind[]) => fc.tuple(fc.constantFrom(...from), fc.nat(50)).map(([kind, i]) => new Ref(kind, i));
  return fc.oneof({ weight: 5, arbitrary: ref(kinds) }, { weight: 4, arbitrary: plain }, { weight: 1, arbitrary: ref(CROSS_KINDS) });
}
