// Credential = AKID/YYYYMMDD/region/service/aws4_request. AWS checks the five parts, then reports every
// scope problem in one message, in this order: region, service, terminator, date. The first three end in
// ". " (trailing space, as captured from real responses); the date one ends in ".".
import { sigv4Errors } from './sigv4-errors.ts';

export interface CredentialParts {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  terminator: string;
  /** date/region/service/terminator, as it goes into the string to sign. */
  scope: string;
}

const REGION_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function defaultIsValidRegion(region: string): boolean {
  return REGION_NAME.test(region);
}

/** Splits the Credential parameter; undefined unless it has exactly five parts. */
export function splitCredential(credential: string): CredentialParts | undefined {
  // Trailing slashes are ignored by AWS (dynalite notes this from live testing). A loop, not /\/+$/, whose
  // backtracking is quadratic on a long run of slashes.
  let end = credential.length;
  while (end > 0 && credential[end - 1] === '/') end--;
  const trimmed = credential.slice(0, end);
  const parts = trimmed.split('/');
  if (parts.length !== 5) return undefined;
  const [accessKeyId, shortDate, region, service, terminator] = parts;
  return { accessKeyId, shortDate, region, service, terminator, scope: trimmed.slice(accessKeyId.length + 1) };
}

export function requireCredential(credential: string): CredentialParts {
  const parts = splitCredential(credential);
  if (parts) return parts;
  throw sigv4Errors.incomplete(
    'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,' +
      ` got '${credential}'`,
  );
}

export interface ScopeExpectation {
  services: string[];
  /** The request time in ISO 8601 basic format; its first 8 characters are the expected scope date. */
  amzDate: string;
  isValidRegion(region: string): boolean;
}

export function checkScope(parts: CredentialParts, expected: ScopeExpectation): void {
  let problems = '';
  if (!expected.isValidRegion(parts.region)) {
    problems += `Credential should be scoped to a valid region, not '${parts.region}'. `;
  }
  if (!expected.services.includes(parts.service)) {
    // With several candidates AWS's single-service wording still fits best; name the primary one.
    problems += `Credential should be scoped to correct service: '${expected.services[0]}'. `;
  }
  if (parts.terminator !== 'aws4_request') {
    problems += `Credential should be scoped with a valid terminator: 'aws4_request', not '${parts.terminator}'. `;
  }
  const day = expected.amzDate.slice(0, 8);
  if (parts.shortDate !== day) {
    problems +=
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
      `'${parts.shortDate}' != '${day}', from '${expected.amzDate}'.`;
  }
  if (problems !== '') throw sigv4Errors.invalidSignature(problems);
}
