// ListSecrets Filters as one pure predicate over a secret's listable attributes.
//
// Semantics (model's Filter documentation + behaviours observed on AWS):
// - name, tag-key, tag-value, primary-region, owning-service: prefix match, case-sensitive.
//   `/` matches `/a` but not `a/b` (prefix, not substring). Tag filters match when any tag matches.
// - description and all: word-prefix match, not case-sensitive (recorded from AWS; AWS documents
//   `description` as a prefix match but answers it as `all`). The value is split into words at spaces;
//   the attributes (description; for `all` also the name, tag keys and tag values) into words by
//   `attributeWords`. Every word of the value must start some attribute word; words may match different
//   attributes. `a` matches "a secret", "an secret", "asecret", not "thesecret"; `two` matches
//   "SecretTwo"; `ret` matches neither "SecretOne" nor "SecretTwo". A value word made only of
//   separators (`/`, `-`...) matches nothing.
// - A leading `!` negates the value: the exact complement of what the value without `!` matches
//   (for tags: no tag matches, not "some tag does not match").
// - Several values in one filter are ORed; several filters are ANDed; no filter matches everything.
//
// Decisions where AWS is silent: an attribute is first split at whitespace and the separator rule
// applies to each piece (`a/b c-d` gives a, b, c, d); the value's words are split the same way, so the
// whole name `my-secret` matches the secret my-secret (AWS's records cover single words only); a secret without a description, primary region or owning service has the empty string there, so
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

const SEPARATORS = '/-_+=.@';
const nonEmpty = (w: string) => w.length > 0;
const spaceWords = (text: string): string[] => text.split(/\s+/).filter(nonEmpty);
const onlySeparators = (word: string) => [...word].every((c) => SEPARATORS.includes(c));
// before each upper-case letter that starts a lower-case run: SecretTwo -> Secret, Two; HTTPServer -> HTTP, Server
const CASE_BOUNDARY = /(?=\p{Lu}\p{Ll})/u;

/**
 * The words of an attribute, lower-cased: split at whitespace; each piece at its separator when it uses
 * exactly one kind of `/ - _ + = . @` (a piece mixing two kinds stays whole), then at case boundaries.
 */
export function attributeWords(text: string): string[] {
  return spaceWords(text).flatMap((piece) => {
    const kinds = new Set([...piece].filter((c) => SEPARATORS.includes(c)));
    if (kinds.size > 1) return [piece.toLowerCase()];
    const parts = kinds.size === 1 ? piece.split([...kinds][0]!) : [piece];
    return parts.flatMap((part) => part.split(CASE_BOUNDARY)).filter(nonEmpty).map((w) => w.toLowerCase());
  });
}

/**
 * `all` and `description`: every word of the value starts some attribute word. The value is split as the
 * attributes are, so a whole name (`my-secret`, `SecretTwo`) finds the secret it names.
 */
function wordPrefixMatch(value: string, attributes: readonly string[]): boolean {
  if (spaceWords(value).some(onlySeparators)) return false;
  const wanted = attributeWords(value);
  const have = attributes.flatMap(attributeWords);
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

const matchers: Record<FilterKey, ValueMatcher> = {
  name: (v, s) => s.name.startsWith(v),
  description: (v, s) => wordPrefixMatch(v, [s.description ?? '']),
  'tag-key': (v, s) => s.tags.some((t) => t.Key.startsWith(v)),
  'tag-value': (v, s) => s.tags.some((t) => t.Value.startsWith(v)),
  'primary-region': (v, s) => (s.primaryRegion ?? '').startsWith(v),
  'owning-service': (v, s) => (s.owningService ?? '').startsWith(v),
  all: (v, s) => wordPrefixMatch(v, [s.name, s.description ?? '', ...s.tags.flatMap((t) => [t.Key, t.Value])]),
};

/** A key whose rule is a plain prefix match: the store can apply it in SQL, exactly (see prefixFilters). */
export type PrefixKey = 'name' | 'tag-key' | 'tag-value' | 'primary-region' | 'owning-service';
const PREFIX_KEYS: readonly string[] = ['name', 'tag-key', 'tag-value', 'primary-region', 'owning-service'] satisfies PrefixKey[];

/** One filter of a prefix key: its values ORed, each a prefix, negated by a leading `!` as above. */
export interface PrefixFilter {
  key: PrefixKey;
  values: Array<{ prefix: string; negated: boolean }>;
}

/**
 * The filters of prefix keys, for the store to apply before reading rows (the word-prefix rules of
 * `description` and `all` have no portable SQL form and stay in code only). The predicate of compileFilters
 * still runs on every row; this only keeps the store from handing over rows it would reject.
 */
export function prefixFilters(filters: readonly ListSecretsFilter[]): PrefixFilter[] {
  return filters
    .filter((f) => PREFIX_KEYS.includes(f.Key) && f.Values.length > 0)
    .map((f) => ({
      key: f.Key as PrefixKey,
      values: f.Values.map((raw) => (raw.startsWith('!') ? { prefix: raw.slice(1), negated: true } : { prefix: raw, negated: false })),
    }));
}

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
