import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../errors/aws-errors.ts';
import { type FilterableSecret, type ListSecretsFilter, compileFilters } from './list-filters.ts';

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
    it('matches name, description words, tag keys and tag values, case-insensitively', () => {
      for (const v of ['prod', 'PROD/d', 'data', 'PASS', 'team', 'pay']) assert.equal(matches([f('all', v)], s), true, v);
      for (const v of ['db', 'base', 'ments', 'eu-west']) assert.equal(matches([f('all', v)], s), false, v);
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
