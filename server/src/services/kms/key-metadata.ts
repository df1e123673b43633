// Pure helpers of the KMS API: KeyMetadata as AWS shows it, the AAD an EncryptionContext becomes, and the
// opaque pagination markers. No I/O.
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { KmsKeyTable } from '../../store/schema.ts';
import { kmsErrors } from './kms-errors.ts';

export const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';

/** DescribeKey / CreateKey's KeyMetadata for a symmetric encryption key with material made by Coffer. */
export function keyMetadata(row: KmsKeyTable): KeyMetadata {
  return {
    AWSAccountId: row.account_id,
    KeyId: row.key_id,
    Arn: row.arn,
    CreationDate: new Date(row.created_at),
    Enabled: row.key_state === 'Enabled',
    Description: row.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: row.key_state as KeyMetadata['KeyState'],
    ...(row.key_state === 'PendingDeletion' && row.deletion_date !== null ? { DeletionDate: new Date(row.deletion_date) } : {}),
    Origin: 'AWS_KMS',
    KeyManager: row.key_manager as KeyMetadata['KeyManager'],
    CustomerMasterKeySpec: SYMMETRIC_DEFAULT,
    KeySpec: SYMMETRIC_DEFAULT,
    EncryptionAlgorithms: [SYMMETRIC_DEFAULT],
    MultiRegion: false,
  };
}

/**
 * The additional authenticated data an EncryptionContext becomes: the pairs sorted by key, so the order
 * the caller lists them in does not matter (as in AWS), and prefixed so a KMS API ciphertext can never be
 * opened as one of Secrets Manager's wrapped data keys or the other way round.
 */
export function encryptionContextAad(context: Record<string, string> | undefined): Buffer {
  const pairs = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(`kms-api:${JSON.stringify(pairs)}`, 'utf8');
}

/** An opaque Marker for the next page: which listing it belongs to and where it continues. */
export function encodeMarker(listing: string, after: string): string {
  return Buffer.from(JSON.stringify([listing, after]), 'utf8').toString('base64url');
}

/** The position a Marker names, or InvalidMarkerException for one that is not ours or of another listing. */
export function decodeMarker(marker: string | undefined, listing: string): string | undefined {
  if (marker === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === listing && typeof parsed[1] === 'string') return parsed[1];
  } catch {
    // fall through
  }
  throw kmsErrors.invalidMarker();
}

/** One page of a listing read with limit + 1 rows: the page, and the marker when more follow. */
export function page<T>(rows: T[], limit: number, listing: string, positionOf: (row: T) => string) {
  const truncated = rows.length > limit;
  const items = truncated ? rows.slice(0, limit) : rows;
  return {
    items,
    Truncated: truncated,
    ...(truncated ? { NextMarker: encodeMarker(listing, positionOf(items[items.length - 1])) } : {}),
  };
}
