import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { AwsError } from '../../errors/aws-errors.ts';
import {
  LOWERCASE,
  NUMBERS,
  PUNCTUATION,
  UPPERCASE,
  type RandomPasswordOptions,
  generateRandomPassword,
} from './random-password.ts';

const gen = (options: RandomPasswordOptions = {}) => generateRandomPassword(options, randomInt);
const has = (password: string, set: string) => [...password].some((c) => set.includes(c));

function assertInvalidParameter(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, 'InvalidParameterException');
    assert.match(err.message, message);
    return true;
  });
}

describe('generateRandomPassword', () => {
  it("uses AWS's 32 punctuation characters", () => {
    assert.equal(PUNCTUATION, '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
    assert.equal(PUNCTUATION.length, 32);
  });

  it('defaults: 32 characters, each of the four types present, no space', () => {
    for (let i = 0; i < 500; i++) {
      const p = gen();
      assert.equal(p.length, 32);
      for (const set of [LOWERCASE, UPPERCASE, NUMBERS, PUNCTUATION]) assert.ok(has(p, set), `${p} lacks one of ${set}`);
      assert.ok(!p.includes(' '));
      for (const c of p) assert.ok((LOWERCASE + UPPERCASE + NUMBERS + PUNCTUATION).includes(c));
    }
  });

  it('honours PasswordLength from 1 to 4096', () => {
    assert.equal(gen({ passwordLength: 4096 }).length, 4096);
    assert.equal(gen({ passwordLength: 4, requireEachIncludedType: true }).length, 4);
    assert.equal(gen({ passwordLength: 1, requireEachIncludedType: false }).length, 1);
  });

  it('refuses lengths outside 1..4096', () => {
    for (const passwordLength of [0, -1, 4097, 1.5]) {
      assertInvalidParameter(() => gen({ passwordLength, requireEachIncludedType: false }), /between 1 and 4096/);
    }
  });

  it('each included type is present even in the shortest password (statistical)', () => {
    for (let i = 0; i < 2000; i++) {
      const p = gen({ passwordLength: 4 });
      for (const set of [LOWERCASE, UPPERCASE, NUMBERS, PUNCTUATION]) assert.ok(has(p, set), p);
    }
  });

  it('guaranteed characters are shuffled into every position', () => {
    // With only digits required next to a large pool, a digit must still show up at each position.
    const seen = new Set<number>();
    for (let i = 0; i < 2000 && seen.size < 4; i++) {
      const p = gen({ passwordLength: 4, excludeUppercase: true, excludePunctuation: true, excludeLowercase: true, includeSpace: true });
      [...p].forEach((c, pos) => NUMBERS.includes(c) && seen.add(pos));
    }
    assert.equal(seen.size, 4);
  });

  it('ExcludeNumbers / ExcludePunctuation / ExcludeUppercase / ExcludeLowercase remove the type', () => {
    const cases: [RandomPasswordOptions, string][] = [
      [{ excludeNumbers: true }, NUMBERS],
      [{ excludePunctuation: true }, PUNCTUATION],
      [{ excludeUppercase: true }, UPPERCASE],
      [{ excludeLowercase: true }, LOWERCASE],
    ];
    for (const [options, set] of cases) {
      for (let i = 0; i < 200; i++) assert.ok(!has(gen({ ...options, passwordLength: 64 }), set));
    }
  });

  it('ExcludeCharacters never appear (the rotation functions exclude /@"\'\\)', () => {
    const excludeCharacters = '/@"\'\\';
    for (let i = 0; i < 1000; i++) {
      const p = gen({ excludeCharacters });
      assert.ok(!has(p, excludeCharacters), p);
      assert.ok(has(p, PUNCTUATION), p); // punctuation still required from what is left
    }
  });

  it('IncludeSpace allows spaces without requiring them', () => {
    let withSpace = 0;
    for (let i = 0; i < 300; i++) if (gen({ includeSpace: true, passwordLength: 256 }).includes(' ')) withSpace++;
    // P(at least one space in 252 free draws from 95) ~ 0.93, so ~279 of 300 expected
    assert.ok(withSpace > 240, `only ${withSpace} of 300 had a space`);
    // space only: a single-type password of spaces, RequireEachIncludedType has nothing to require
    assert.equal(
      gen({ includeSpace: true, excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true, passwordLength: 3 }),
      '   ',
    );
    assert.ok(!gen({ includeSpace: true, excludeCharacters: ' ', passwordLength: 200 }).includes(' '));
  });

  it('RequireEachIncludedType false may leave a type out', () => {
    let missingDigit = 0;
    for (let i = 0; i < 300; i++) if (!has(gen({ passwordLength: 4, requireEachIncludedType: false }), NUMBERS)) missingDigit++;
    assert.ok(missingDigit > 100, `${missingDigit}`); // P(no digit in 4 of 94) ~ 0.64
  });

  it('refuses excluding every type', () => {
    assertInvalidParameter(
      () => gen({ excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true }),
      /excluded every character type/,
    );
  });

  it('refuses when ExcludeCharacters leaves nothing', () => {
    assertInvalidParameter(
      () => gen({ excludeLowercase: true, excludeUppercase: true, excludePunctuation: true, excludeCharacters: NUMBERS }),
      /no character is left/,
    );
  });

  it('a type entirely in ExcludeCharacters is no longer required', () => {
    const p = gen({ excludeCharacters: NUMBERS, passwordLength: 3 });
    assert.equal(p.length, 3);
    assert.ok(!has(p, NUMBERS));
  });

  it('refuses a length shorter than the number of required types', () => {
    assertInvalidParameter(() => gen({ passwordLength: 3 }), /too short.*4 included character types/);
    assertInvalidParameter(() => gen({ passwordLength: 1, excludeNumbers: true }), /3 included/);
    assert.equal(gen({ passwordLength: 3, requireEachIncludedType: false }).length, 3);
  });

  it('character frequencies are uniform over the pool (no modulo or ordering bias)', () => {
    const counts = new Map<string, number>();
    const n = 200;
    for (let i = 0; i < n; i++) for (const c of gen({ passwordLength: 4096, requireEachIncludedType: false })) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, 94);
    const expected = (n * 4096) / 94;
    for (const [c, k] of counts) assert.ok(Math.abs(k - expected) < expected * 0.05, `${c}: ${k} vs ${expected}`);
  });

  it('draws only through the injected randomInt with in-range bounds', () => {
    const calls: number[] = [];
    const p = generateRandomPassword({ passwordLength: 8 }, (max) => {
      calls.push(max);
      return max - 1;
    });
    assert.equal(p.length, 8);
    // 4 required picks (26, 26, 10, 32), 4 pool picks (94), 7 shuffle swaps (8..2)
    assert.deepEqual(calls, [26, 26, 10, 32, 94, 94, 94, 94, 8, 7, 6, 5, 4, 3, 2]);
  });
});
