// ListSecrets Filters as one pure predicate over a secret's listable attributes.
//
// Semantics (model's Filter documentation + behaviours observed on AWS):
// - name, tag-key, tag-value, primary-region, owning-service: prefix match, case-sensitive.
//   `/` matches `/a` but not `a/b` (prefix, not substring). Tag filters match when any tag matches.
// - description: word-prefix match, not case-sensitive. The value and the description are split into
//   words; every word of the value must be the prefix of some word of the description. `a` matches
//   "a secret", "an secret", "asecret", but not "thesecret".
// - all: not case-sensitive; the value is split into words and every word must match at least one
//   attribute: a prefix of the name, of a description word, of a tag key or of a tag value. Words may
//   match different attributes.
// - A leading `!` negates the value: the exact complement of what the value without `!` matches
//   (for tags: no tag matches, not "some tag does not match").
// - Several values in one filter are ORed; several filters are ANDed; no filter matches everything.
//
// Decisions where AWS is silent: words are separated by whitespace only (filter values cannot hold
// other separators worth splitting on: the model allows letters, digits, space and :_@/+=.-!);
// a secret without a description, primary region or owning service has the empty string there, so
// it matches only a negated (or empty) value; `all` covers name, description and tags only, since
// primary-region and owning-service have keys of their own.

import { awsErrors } from '../../errors/aws-errors.ts';

export type FilterKey = 'name' | 'description' | 'tag-key' | 'tag-value' | 'primary-region' | 'owning-service' | 'all';

export interface ListSecretsFilter {
  Key: string;
  Values: readonly string[];
}

export interface FilterableSecret {
  name: string;
  description?: string;
  tags: readonly { Key: string; Value: string }[];
  primaryRegion?: string;
  owningService?: string;
}

export type SecretPredicate = (secret: FilterableSecret) => boolean;

type ValueMatcher = (value: string, secret: FilterableSecret) => boolean;

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w.length > 0);

const matchers: Record<FilterKey, ValueMatcher> = {
  name: (v, s) => s.name.startsWith(v),
  description: (v, s) => {
    const have = words((s.description ?? '').toLowerCase());
    return words(v.toLowerCase()).every((w) => have.some((d) => d.startsWith(w)));
  },
  'tag-key': (v, s) => s.tags.some((t) => t.Key.startsWith(v)),
  'tag-value': (v, s) => s.tags.some((t) => t.Value.startsWith(v)),
  'primary-region': (v, s) => (s.primaryRegion ?? '').startsWith(v),
  'owning-service': (v, s) => (s.owningService ?? '').startsWith(v),
  all: (v, s) => {
    const name = s.name.toLowerCase();
    const description = words((s.description ?? '').toLowerCase());
    const tagKeys = s.tags.map((t) => t.Key.toLowerCase());
    const tagValues = s.tags.map((t) => t.Value.toLowerCase());
    return words(v.toLowerCase()).every(
      (w) =>
        name.startsWith(w) ||
        description.some((d) => d.startsWith(w)) ||
        tagKeys.some((k) => k.startsWith(w)) ||
        tagValues.some((t) => t.startsWith(w)),
    );
  },
};

function isFilterKey(key: string): key is FilterKey {
  return Object.prototype.hasOwnProperty.call(matchers, key);
}

/**
 * Compiles once per request; the predicate is then applied to each candidate secret. Keys and value
 * counts are validated by the protocol layer from the model (enum, 1..10 values); they are re-checked
 * here so a bad filter can never silently match everything.
 */
export function compileFilters(filters: readonly ListSecretsFilter[]): SecretPredicate {
  const compiled = filters.map((filter): SecretPredicate => {
    if (!isFilterKey(filter.Key)) {
      throw awsErrors.validation(`Invalid filter key: ${filter.Key}. Valid keys: ${Object.keys(matchers).join(', ')}.`);
    }
    if (filter.Values.length === 0) {
      throw awsErrors.validation(`The filter ${filter.Key} needs at least one value.`);
    }
    const match = matchers[filter.Key];
    const alternatives = filter.Values.map((raw): SecretPredicate => {
      if (raw.startsWith('!')) {
        const value = raw.slice(1);
        return (s) => !match(value, s);
      }
      return (s) => match(raw, s);
    });
    return (s) => alternatives.some((alt) => alt(s));
  });
  return (s) => compiled.every((filter) => filter(s));
}
