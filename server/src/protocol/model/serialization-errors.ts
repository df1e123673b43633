// SerializationException texts for request bodies whose JSON types do not fit the model. AWS's JSON 1.1
// front end (Coral) answers these before any validation, with one message for the first bad value.
//
// Sources: the "<KIND>_VALUE can not be converted to a String / an Integer", "Start of list found where
// not expected", "Start of structure or map found where not expected.", "Expected list or null" and
// "Expected null" texts were measured against live JSON 1.1 services (Athena, Kinesis emulator suites);
// "STRING_VALUE can not be converted to a Long" is a live Amazon answer; the Blob base64 texts (typo
// "dectected" included) come from kinesalite's suite recorded against Kinesis. Targets not seen in the
// wild (Boolean from a string, Blob/Timestamp from scalars) follow the same pattern.

import { AwsError } from '../../errors/aws-errors.ts';

const LIST_START = 'Start of list found where not expected';
const MAP_START = 'Start of structure or map found where not expected.';

export type ScalarTarget =
  | 'a String'
  | 'an Integer'
  | 'a Long'
  | 'a Float'
  | 'a Double'
  | 'a Boolean'
  | 'a Blob'
  | 'a Timestamp';

function serialization(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

function valueKind(value: unknown): string {
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  return value === true ? 'TRUE_VALUE' : 'FALSE_VALUE';
}

/** A list, object or wrong scalar where a scalar of `target` type was expected. */
export function scalarMismatch(value: unknown, target: ScalarTarget): AwsError {
  if (Array.isArray(value)) return serialization(LIST_START);
  if (typeof value === 'object') return serialization(MAP_START);
  return serialization(`${valueKind(value)} can not be converted to ${target}`);
}

export function structureMismatch(value: unknown): AwsError {
  return serialization(Array.isArray(value) ? LIST_START : 'Expected null');
}

export function listMismatch(value: unknown): AwsError {
  return serialization(typeof value === 'object' ? MAP_START : 'Expected list or null');
}

export function mapMismatch(value: unknown): AwsError {
  return serialization(Array.isArray(value) ? LIST_START : 'Expected map or null');
}

/**
 * The body itself is not a JSON object. Athena answers a top-level array with the list text and any
 * other top-level value with no message at all (measured), so the message stays empty for those.
 */
export function bodyMismatch(body: unknown): AwsError {
  return serialization(Array.isArray(body) ? LIST_START : '');
}

const BASE64_ALPHABET = /[^A-Za-z0-9+/=]|=[^=]/;

/**
 * Strict base64 as Coral reads blobs: length a multiple of 4, only alphabet characters, padding only at
 * the end, and canonical trailing bits. Node's decoder silently skips junk, hence the explicit checks.
 * Sensitive members never have their value (or the offending character) echoed.
 */
export function decodeBase64(text: string, sensitive: boolean): Buffer {
  const shown = sensitive ? "'***'" : `'${text}'`;
  if (text.length % 4 !== 0) {
    throw serialization(
      `${shown} can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`,
    );
  }
  const bad = BASE64_ALPHABET.exec(text);
  if (bad) {
    const detail = sensitive ? 'Invalid Base64 character' : `Invalid Base64 character: '${bad[0][0]}'`;
    throw serialization(`${shown} can not be converted to a Blob: ${detail}`);
  }
  const bytes = Buffer.from(text, 'base64');
  // Catches non-zero pad bits and runs of '=' longer than two, which Node accepts and AWS does not.
  if (bytes.toString('base64') !== text) {
    throw serialization(`${shown} can not be converted to a Blob: Invalid last non-pad Base64 character dectected`);
  }
  return bytes;
}
