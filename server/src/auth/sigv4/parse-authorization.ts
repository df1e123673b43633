// Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." the way AWS does: parameters
// are split on commas *and* whitespace (so "Credential= AKID/..." yields a pair without '=', an error AWS
// reports with exactly that token), the last duplicate wins, and all missing parts are reported together.
import { redactAuthorization, sigv4Errors } from './sigv4-errors.ts';
import { ALGORITHM } from './string-to-sign.ts';
import { rememberLast } from './last-value.ts';

export interface AuthorizationParts {
  credential: string;
  /** Lowercased and sorted, as they enter the canonical request. */
  signedHeaders: readonly string[];
  signature: string;
}

// The shape every SDK writes, matched in one step; any other header takes the general path below, which
// reads such a header the same way (three key=value tokens, nothing to split inside a value).
const USUAL = /^AWS4-HMAC-SHA256 Credential=([^\s,]+), SignedHeaders=([^\s,]+), Signature=([^\s,]+)$/;

/** Returns undefined when the header is not AWS4 auth at all (the caller answers "Missing Authentication Token"). */
export function parseAuthorization(header: string, hasDate: boolean): AuthorizationParts | undefined {
  const trimmed = header.trim();
  const usual = hasDate ? USUAL.exec(trimmed) : null;
  if (usual) return { credential: usual[1], signedHeaders: signedHeaderList(usual[2]), signature: usual[3] };

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

  return { credential: credential as string, signature: signature as string, signedHeaders: signedHeaderList(signedHeaders as string) };
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

const NOT_LOWERCASE_ASCII = /[A-Z]|[^\x00-\x7f]/;

/**
 * Lowercased, without empty names, sorted. A client signs the same headers on every call, so the list of the
 * value seen just before is reused: frozen, as every request holding it reads the same array.
 */
const signedHeaderList = rememberLast((text: string): readonly string[] => Object.freeze(sortedHeaderNames(text)));

/** Signers send them lowercased and sorted already; then the split list is the answer. */
function sortedHeaderNames(text: string): string[] {
  const names = text.split(';');
  let usual = !NOT_LOWERCASE_ASCII.test(text);
  for (let i = 0; usual && i < names.length; i++) usual = names[i] !== '' && (i === 0 || names[i - 1] <= names[i]);
  if (usual) return names;
  return names
    .filter((name) => name !== '')
    .map((name) => name.toLowerCase())
    .sort();
}
