import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../errors/aws-errors.ts';
import { type FilterableSecret, type ListSecretsFilter, attributeWords, compileFilters, prefixFilters } from './list-filters.ts';

const secret = (over: Partial<FilterableSecret> = {}): FilterableSecret => ({ name: 'x', tags: [], ...over });
const matches = (filters: ListSecretsFilter[], s: FilterableSecret) => compileFilters(filters)(s);
const f = (Key: string, ...Values: string[]): ListSecretsFilter => ({ Key, Values });

describe('compileFilters', () => {
  it('no filter matches everything', () => {
    assert.equal(matches([], secret()), true);
  });

  describe('name', () => {
    it('is a prefix match: "/" matches "/a" but not "a/b"', () => {
      assert.equal(matches([f('name', '/')], secret({ name: '/a' })), true);
      assert.equal(matches([f('name', '/')], secret({ name: 'a/b' })), false);
      assert.equal(matches([f('name', 'prod/')], secret({ name: 'prod/db' })), true);
      assert.equal(matches([f('name', 'prod/db')], secret({ name: 'prod/db' })), true);
    });
    it('is case-sensitive', () => {
      assert.equal(matches([f('name', 'Prod')], secret({ name: 'prod/db' })), false);
    });
    it('"!" gives the exact complement', () => {
      for (const name of ['/a', 'a/b', 'prod', '']) {
        assert.equal(matches([f('name', '!/')], secret({ name })), !matches([f('name', '/')], secret({ name })), name);
      }
    });
  });

  describe('description', () => {
    const a = f('description', 'a');
    it('"a" matches word prefixes: "a secret", "an secret", "asecret", not "thesecret"', () => {
      assert.equal(matches([a], secret({ description: 'a secret' })), true);
      assert.equal(matches([a], secret({ description: 'an secret' })), true);
      assert.equal(matches([a], secret({ description: 'asecret' })), true);
      assert.equal(matches([a], secret({ description: 'thesecret' })), false);
      assert.equal(matches([a], secret({ description: 'the secret about' })), true);
    });
    it('every word of a multi-word value must match some word', () => {
      const v = f('description', 'data sec');
      assert.equal(matches([v], secret({ description: 'secret of the database' })), true);
      assert.equal(matches([v], secret({ description: 'database password' })), false);
    });
    it('is not case-sensitive', () => {
      assert.equal(matches([f('description', 'SEC')], secret({ description: 'My Secret' })), true);
    });
    it('splits the description at separators and case boundaries, as `all` does', () => {
      assert.equal(matches([f('description', 'd t')], secret({ description: 'DescTwo' })), true);
      assert.equal(matches([f('description', 'two')], secret({ description: 'for-the-TwoFactor service' })), true);
      assert.equal(matches([f('description', 'esc')], secret({ description: 'DescTwo' })), false);
    });
    it('a secret without description matches only negated values', () => {
      assert.equal(matches([a], secret()), false);
      assert.equal(matches([f('description', '!a')], secret()), true);
      assert.equal(matches([f('description', '!a')], secret({ description: 'a secret' })), false);
    });
  });

  describe('tags', () => {
    const s = secret({ tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'team', Value: 'Payments' }] });
    it('tag-key and tag-value are case-sensitive prefix matches on any tag', () => {
      assert.equal(matches([f('tag-key', 'En')], s), true);
      assert.equal(matches([f('tag-key', 'en')], s), false);
      assert.equal(matches([f('tag-key', 'te')], s), true);
      assert.equal(matches([f('tag-value', 'Pay')], s), true);
      assert.equal(matches([f('tag-value', 'pay')], s), false);
      assert.equal(matches([f('tag-value', 'rod')], s), false);
    });
    it('negation means no tag matches (exact complement), not "some tag does not match"', () => {
      assert.equal(matches([f('tag-key', '!Env')], s), false);
      assert.equal(matches([f('tag-key', '!Owner')], s), true);
      assert.equal(matches([f('tag-key', '!Env')], secret()), true);
    });
  });

  describe('primary-region and owning-service', () => {
    it('are case-sensitive prefix matches; absent attributes match only negations', () => {
      const s = secret({ primaryRegion: 'eu-west-1', owningService: 'rds' });
      assert.equal(matches([f('primary-region', 'eu-')], s), true);
      assert.equal(matches([f('primary-region', 'EU')], s), false);
      assert.equal(matches([f('owning-service', 'rd')], s), true);
      assert.equal(matches([f('owning-service', 'rds')], secret()), false);
      assert.equal(matches([f('owning-service', '!rds')], secret()), true);
    });
  });

  describe('all', () => {
    const s = secret({
      name: 'Prod/DB',
      description: 'Main database password',
      tags: [{ Key: 'Team', Value: 'Payments' }],
    });
    it('matches words of the name, description, tag keys and tag values, case-insensitively', () => {
      for (const v of ['prod', 'db', 'D', 'data', 'PASS', 'team', 'pay']) assert.equal(matches([f('all', v)], s), true, v);
      for (const v of ['base', 'ments', 'eu-west', 'rod']) assert.equal(matches([f('all', v)], s), false, v);
    });
    it('splits the value as it splits attributes, so a whole name finds its secret', () => {
      for (const v of ['Prod/DB', 'PROD/d', 'prod/db main']) assert.equal(matches([f('all', v)], s), true, v);
      assert.equal(matches([f('all', 'my-secret')], secret({ name: 'my-secret' })), true);
      assert.equal(matches([f('all', 'SecretTwo')], secret({ name: 'SecretTwo-x2' })), true);
      assert.equal(matches([f('all', 'prod/other')], s), false);
    });
    it('the examples recorded from AWS: SecretOne…, SecretTwo… (description DescTwo)', () => {
      const one = secret({ name: 'SecretOne-x1' });
      const two = secret({ name: 'SecretTwo-x2', description: 'DescTwo' });
      for (const v of ['Secret', 'secret', 'sec']) {
        assert.deepEqual([matches([f('all', v)], one), matches([f('all', v)], two)], [true, true], v);
      }
      assert.deepEqual([matches([f('all', 'ret')], one), matches([f('all', 'ret')], two)], [false, false]);
      assert.deepEqual([matches([f('all', 'd t')], one), matches([f('all', 'd t')], two)], [false, true]);
    });
    it('a value that is only a separator matches nothing; negated, everything', () => {
      for (const sep of ['/', '-', '_', '+', '=', '.', '@']) {
        assert.equal(matches([f('all', sep)], secret({ name: `a${sep}b`, description: sep })), false, sep);
        assert.equal(matches([f('all', `!${sep}`)], secret({ name: `a${sep}b` })), true, sep);
      }
      assert.equal(matches([f('description', 'a /')], secret({ description: 'a / b' })), false);
    });
    it('every word must match, each possibly in a different attribute', () => {
      assert.equal(matches([f('all', 'prod pay main')], s), true);
      assert.equal(matches([f('all', 'prod other')], s), false);
    });
    it('"!" is the complement', () => {
      assert.equal(matches([f('all', '!pay')], s), false);
      assert.equal(matches([f('all', '!other')], s), true);
    });
  });

  describe('attributeWords', () => {
    it('splits at one kind of separator, then before an upper-case letter starting a lower-case run', () => {
      assert.deepEqual(attributeWords('SecretTwo'), ['secret', 'two']);
      assert.deepEqual(attributeWords('prod/MyApp/db'), ['prod', 'my', 'app', 'db']);
      assert.deepEqual(attributeWords('a-b-c'), ['a', 'b', 'c']);
      assert.deepEqual(attributeWords('user@example.com'), ['user@example.com']);
      assert.deepEqual(attributeWords('HTTPServer'), ['http', 'server']);
      assert.deepEqual(attributeWords('DESC'), ['desc']);
      assert.deepEqual(attributeWords('a_secret for-you'), ['a', 'secret', 'for', 'you']);
      assert.deepEqual(attributeWords('/leading'), ['leading']);
      assert.deepEqual(attributeWords(''), []);
    });
    it('keeps a piece that mixes two kinds of separator whole (no case split either)', () => {
      assert.deepEqual(attributeWords('my/Secret+Value'), ['my/secret+value']);
      assert.deepEqual(attributeWords('a.b_c'), ['a.b_c']);
    });
  });

  describe('combining', () => {
    const s = secret({ name: 'prod/db', description: 'database' });
    it('values within a filter are ORed', () => {
      assert.equal(matches([f('name', 'dev/', 'prod/')], s), true);
      assert.equal(matches([f('name', 'dev/', 'test/')], s), false);
      assert.equal(matches([f('name', 'dev/', '!test/')], s), true);
    });
    it('filters are ANDed', () => {
      assert.equal(matches([f('name', 'prod/'), f('description', 'data')], s), true);
      assert.equal(matches([f('name', 'prod/'), f('description', 'pass')], s), false);
      assert.equal(matches([f('name', '!prod/'), f('description', 'data')], s), false);
    });
  });

  it('refuses an unknown key or an empty value list (ValidationException)', () => {
    for (const filter of [f('Name', 'x'), f('tag', 'x'), f('name')]) {
      assert.throws(
        () => compileFilters([filter]),
        (err: unknown) => err instanceof AwsError && err.code === 'ValidationException',
      );
    }
  });
});

describe('prefixFilters', () => {
  it('keeps the prefix keys, each value with its negation; leaves description and all to the predicate', () => {
    assert.deepEqual(prefixFilters([f('name', 'a', '!b'), f('description', 'x'), f('all', 'y'), f('tag-key', '!')]), [
      { key: 'name', values: [{ prefix: 'a', negated: false }, { prefix: 'b', negated: true }] },
      { key: 'tag-key', values: [{ prefix: '', negated: true }] },
    ]);
    assert.deepEqual(prefixFilters([f('tag-value', 'v'), f('primary-region', 'us'), f('owning-service', '!rds')]).map((p) => p.key), ['tag-value', 'primary-region', 'owning-service']);
  });
});
