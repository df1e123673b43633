// Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." the way AWS does: parameters
// are split on commas *and* whitespace (so "Credential= AKID/..." yields a pair without '=', an error AWS
// reports with exactly that token), the last duplicate wins, and all missing parts are reported together.
import { redactAuthorization, sigv4Errors } from './sigv4-errors.ts';
import { ALGORITHM } from './string-to-sign.ts';

export interface AuthorizationParts {
  credential: string;
  /** Lowercase and sorted, as the signer wrote them into its canonical request. */
  signedHeaders: string[];
  signature: string;
}

/** Returns undefined when the header is not AWS4 auth at all (the caller answers "Missing Authentication Token"). */
export function parseAuthorization(header: string, hasDate: boolean): AuthorizationParts | undefined {
  const trimmed = header.trim();
  if (!trimmed.startsWith('AWS4-')) return undefined;
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw sigv4Errors.incomplete(
      `Unsupported AWS 'algorithm': '${redactAuthorization(algorithm)}' (only AWS4-HMAC-SHA256 for now). `,
    );
  }
  const params = readParams(space < 0 ? '' : trimmed.slice(space + 1), trimmed);
  const credential = params.get('Credential');
  const signature = params.get('Signature');
  const signedHeaders = params.get('SignedHeaders');

  let missing = '';
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (signedHeaders === undefined) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!hasDate) missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing !== '') throw sigv4Errors.incomplete(`${missing}Authorization=${redactAuthorization(trimmed)}`);

  return { credential: credential!, signature: signature!, signedHeaders: signedHeaderList(signedHeaders!) };
}

function readParams(text: string, header: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const token of text.split(/[\s,]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq < 0) {
      // A stray 64-hex token is a detached signature value: don't echo it.
      const shown = /^[0-9a-fA-F]{64}$/.test(token) ? '<redacted>' : token;
      throw sigv4Errors.incomplete(
        `'${shown}' not a valid key=value pair (missing equal-sign) in Authorization header: '${redactAuthorization(header)}'.`,
      );
    }
    params.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return params;
}

// An HTTP header name (RFC 9110 token), lowercase.
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * The names as the signer listed them. Every SigV4 signer writes them lowercase, sorted and once each; a list
 * in any other form is refused with a message that says so, rather than normalised (the list goes into the
 * canonical request as sent) or left to fail the signature compare. Empty: no names (then 'host' is missing).
 */
function signedHeaderList(text: string): string[] {
  if (text === '') return [];
  const names = text.split(';');
  const wellFormed = names.every((name, i) => HEADER_NAME.test(name) && (i === 0 || names[i - 1] < name));
  if (!wellFormed) {
    throw sigv4Errors.incomplete(
      `SignedHeaders must list lowercase header names, sorted and each once, separated by ';'. Got '${text}'.`,
    );
  }
  return names;
}
