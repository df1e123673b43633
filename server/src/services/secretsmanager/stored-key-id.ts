// The KmsKeyId a secret (or a replica) keeps.
import type { KeyRow } from '../kms/key-service.ts';

/**
 * The KmsKeyId as the caller named it; null for the aws/secretsmanager key however it was named (omitted,
 * '', its alias or its id): DescribeSecret omits KmsKeyId for that key.
 */
export function storedKeyId(requested: string | undefined, key: KeyRow): string | null {
  return requested === undefined || key.key_manager === 'AWS' ? null : requested;
}
