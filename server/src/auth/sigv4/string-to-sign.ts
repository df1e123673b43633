// StringToSign = Algorithm \n RequestDateTime \n CredentialScope \n hex(SHA256(CanonicalRequest))
import { createHash } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export function stringToSign(amzDate: string, credentialScope: string, canonicalRequest: string): string {
  const hashed = createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  return `${ALGORITHM}\n${amzDate}\n${credentialScope}\n${hashed}`;
}
